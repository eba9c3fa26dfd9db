import { XMLParser, XMLValidator, type X2jOptions } from 'fast-xml-parser';
import { parseCid, type Cid } from './cid';
import { serviceError } from './error-catalog';
import { excerpt, fail, makeError, ok, printable, type CidDeskError, type Result } from './errors';
import type { ActivationRequest } from './request';

/** What the service answered, once it has been checked against the request. */
export type ActivationAnswer =
  | {
      type: 'cid';
      cid: Cid;
      /** The PID the service echoed. */
      pid: string;
      /** `ActivationRemaining` as the service sent it (often `-1`); kept as text. */
      activationRemaining: string | null;
      batchId: string | null;
    }
  | { type: 'remaining'; pid: string; remaining: number; batchId: string | null };

/**
 * Entity expansion stays on (the inner document travels entity-escaped), with limits far above
 * what an honest answer of a few kilobytes needs and far below what would hurt.
 */
const ENTITY_LIMITS = {
  enabled: true,
  maxEntitySize: 1024,
  maxExpansionDepth: 2,
  maxEntityCount: 16,
  maxTotalExpansions: 20_000,
  maxExpandedLength: 256 * 1024,
};

const PARSER_OPTIONS: X2jOptions = {
  // Values stay strings: `0x67` must not become 103, nor a 48-digit CID a float.
  parseTagValue: false,
  parseAttributeValue: false,
  ignoreAttributes: true,
  removeNSPrefix: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  trimValues: true,
  processEntities: ENTITY_LIMITS,
  maxNestedTags: 32,
  isArray: (name) => name === 'Response',
};

const parser = new XMLParser(PARSER_OPTIONS);

const SERVICE_DOWN_ADVICE =
  'The activation service is probably down or overloaded. Wait a few minutes and try again; if it keeps happening, use Microsoft\'s phone activation ("slui 4" on the machine you are activating).';

function unexpected(message: string, body: string, advice = SERVICE_DOWN_ADVICE): CidDeskError {
  return makeError('unexpected-response', message, advice, { detail: excerpt(body) });
}

type Node = Record<string, unknown>;

function child(node: unknown, name: string): unknown {
  return node !== null && typeof node === 'object' ? (node as Node)[name] : undefined;
}

function text(node: unknown, name: string): string | undefined {
  const value = child(node, name);
  return typeof value === 'string' ? value : undefined;
}

/** Checks a text is well-formed XML without a DOCTYPE and parses it; the service never sends one. */
function parseXml(xml: string, what: string, raw: string): Result<Node> {
  if (/<!DOCTYPE/i.test(xml)) {
    return fail(
      unexpected(
        `The ${what} declares a DOCTYPE, which the activation service never sends; it was not read.`,
        raw,
      ),
    );
  }
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    // The validator's words are for support, not for the user: they go with the excerpt, cut,
    // since they quote the answer (a hostile one would make them megabytes long).
    const where = `XML error on line ${valid.err.line}: ${excerpt(printable(valid.err.msg), 200)}`;
    return fail({
      ...unexpected(
        `The ${what} is not well-formed XML: it may have been cut off on the way.`,
        raw,
      ),
      detail: `${where}\n\n${excerpt(raw)}`,
    });
  }
  try {
    return ok(parser.parse(xml) as Node);
  } catch (error) {
    return fail(
      unexpected(`The ${what} could not be read: ${excerpt((error as Error).message, 200)}`, raw),
    );
  }
}

/**
 * Reads the service's SOAP answer to a request: the Confirmation ID (check digits verified and
 * for the IID that was sent), the activations left, the service's error code, or why the answer
 * cannot be trusted. Never throws.
 */
export function parseActivationResponse(
  body: string,
  request: ActivationRequest,
): Result<ActivationAnswer> {
  if (body.trim() === '') {
    return fail(unexpected('The service sent an empty answer.', body));
  }
  if (/^\s*(<!DOCTYPE\s+html|<html)/i.test(body)) {
    const title = /<title>([^<]{0,200})<\/title>/i.exec(body)?.[1]?.trim();
    return fail(
      unexpected(
        `The service answered with a web page instead of an activation answer${title ? ` ("${printable(title)}")` : ''}.`,
        body,
      ),
    );
  }
  if (!body.trimStart().startsWith('<')) {
    return fail(unexpected("The service's answer is not XML.", body));
  }

  const outer = parseXml(body, "service's answer", body);
  if (!outer.ok) return outer;
  const soapBody = child(child(outer.value, 'Envelope'), 'Body');
  if (soapBody === undefined) {
    return fail(unexpected('The answer is not a SOAP message: it has no Envelope and Body.', body));
  }
  const fault = child(soapBody, 'Fault');
  if (fault !== undefined) {
    const faultString = text(fault, 'faultstring') ?? text(fault, 'faultcode') ?? 'no reason given';
    return fail(
      unexpected(
        `The service reported a SOAP fault: "${printable(excerpt(faultString, 300))}".`,
        body,
      ),
    );
  }
  const responseXml = text(
    child(child(soapBody, 'BatchActivateResponse'), 'BatchActivateResult'),
    'ResponseXml',
  );
  if (responseXml === undefined || responseXml === '') {
    return fail(unexpected('The answer has no ResponseXml element.', body));
  }

  // The inner document claims encoding="utf-16" but arrives as text: the declaration is ignored.
  const inner = parseXml(responseXml, 'inner activation document', body);
  if (!inner.ok) return inner;
  const activation = child(inner.value, 'ActivationResponse');
  if (activation === undefined || typeof activation !== 'object') {
    return fail(unexpected('The answer has no ActivationResponse element.', body));
  }
  const expectedType = request.type === 'cid' ? '1' : '2';
  const responseType = text(activation, 'ResponseType');
  if (responseType !== expectedType) {
    return fail(
      unexpected(
        `The answer is of ResponseType ${responseType ?? '(missing)'}, not ${expectedType} as requested.`,
        body,
      ),
    );
  }
  const responses = child(child(activation, 'Responses'), 'Response');
  if (!Array.isArray(responses) || responses.length !== 1) {
    const count = Array.isArray(responses) ? responses.length : 0;
    return fail(unexpected(`The answer holds ${count} Response elements for one request.`, body));
  }
  const response: unknown = responses[0];
  const batchId = text(activation, 'BatchId') ?? null;
  const pid = text(response, 'PID') ?? '';

  // The service's verdict on this IID comes before anything else in the response.
  const errorInfo = child(response, 'ErrorInfo');
  if (errorInfo !== undefined) {
    const code = text(errorInfo, 'ErrorCode');
    if (code === undefined || code === '') {
      return fail(unexpected('The answer reports an error but gives no error code.', body));
    }
    return fail({ ...serviceError(code), detail: excerpt(body) });
  }

  if (request.type === 'remaining') {
    const remaining = text(response, 'ActivationRemaining');
    if (remaining === undefined || !/^-?\d{1,10}$/.test(remaining)) {
      return fail(unexpected('The answer does not say how many activations remain.', body));
    }
    return ok({ type: 'remaining', pid, remaining: Number(remaining), batchId });
  }

  const echoedIid = text(response, 'IID');
  if (echoedIid !== request.iid) {
    return fail(
      unexpected(
        echoedIid === undefined
          ? 'The answer does not say which Installation ID it is for.'
          : 'The answer is for a different Installation ID than the one sent.',
        body,
        'The answer was discarded. Try again; if it happens again, the service or something between you and it is misbehaving.',
      ),
    );
  }
  const cidText = text(response, 'CID');
  if (cidText === undefined || cidText === '') {
    return fail(unexpected('The answer holds neither a Confirmation ID nor an error code.', body));
  }
  const cid = parseCid(cidText);
  if (!cid.ok || cidText !== cid.value.digits) {
    return fail(
      unexpected(
        'The Confirmation ID in the answer fails its check digits, so it was not shown.',
        body,
        'Try again later. A damaged Confirmation ID would be refused by Windows, so it is safer not to use it.',
      ),
    );
  }
  return ok({
    type: 'cid',
    cid: cid.value,
    pid,
    activationRemaining: text(response, 'ActivationRemaining') ?? null,
    batchId,
  });
}
