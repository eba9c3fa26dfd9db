/**
 * Property tests for parseActivationResponse: whatever arrives, it returns a value and never
 * throws, and it hands out a Confirmation ID only on the terms below.
 *
 * What "never a wrong CID" means here, precisely. The answer carries no signature, so no client
 * can tell a CID the service issued from one that was altered on the way while keeping its check
 * digits. What the parser does guarantee, and these properties check, is:
 * 1. A CID is returned only from an answer of ResponseType 1 with exactly one Response, whose IID
 *    element is exactly the IID that was sent: the same answer checked against any other IID
 *    is always refused.
 * 2. The CID returned is exactly the text of that Response's CID element: 48 ASCII digits whose
 *    eight groups all pass their check digit (recomputed here independently). Edits anywhere
 *    else in the answer never change which CID comes out; at most they make the answer refused.
 * 3. Consequently a CID altered in transit is caught whenever the check digits can see it: every
 *    single-digit change except a payload digit moved by exactly 7 (weights 1 and 2 are
 *    invertible modulo 7), and any change of a check digit. Two or more changes in one group may
 *    cancel out and are then accepted: that is the limit of the check-digit scheme, not of the
 *    parser, and one test below shows it on purpose.
 * Everything else fails with kind 'unexpected-response', or 'service' when an ErrorInfo is read.
 *
 * Runs are fixed by seed and count; FUZZ_RUNS (and FUZZ_SEED) in the environment run longer.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Result } from './errors';
import type { IidDigits } from './iid';
import { DEFAULT_PID } from './pid';
import { SAMPLE_SUCCESS } from './protocol-samples';
import type { ActivationRequest } from './request';
import { parseActivationResponse, type ActivationAnswer } from './response';
import { buildInnerResponse, buildSoapFault, buildSoapResponse, escapeXml } from './response-xml';
import { groupPasses, runs, TEST_TIMEOUT } from './test-support/fuzz';

// ---------------------------------------------------------------------------------------------
// An oracle written apart from shared/digits.ts, so the parser is not checked against itself.

const groupsOf = (digits: string, size: number) =>
  digits.match(new RegExp(`.{${size}}`, 'g')) ?? [];

/** A group of `size` digits that ends in its right check digit. */
const validGroup = (size: number) =>
  fc
    .array(fc.integer({ min: 0, max: 9 }), { minLength: size - 1, maxLength: size - 1 })
    .map((digits) => {
      const sum = digits.reduce((total, digit, i) => total + digit * (i % 2 === 0 ? 1 : 2), 0);
      return digits.join('') + String(sum % 7);
    });

const validIid = fc
  .constantFrom(6, 7)
  .chain((size) => fc.array(validGroup(size), { minLength: 9, maxLength: 9 }))
  .map((groups) => groups.join(''));
const validCid = fc
  .array(validGroup(6), { minLength: 8, maxLength: 8 })
  .map((groups) => groups.join(''));

/** An exchange: the IID sent, and a CID for it, sample or generated. */
const exchange = fc.oneof(
  fc.constant({ iid: SAMPLE_SUCCESS.iid as string, cid: SAMPLE_SUCCESS.cid as string }),
  fc.record({ iid: validIid, cid: validCid }),
);

/** Valid IIDs that no generated answer holds: a request for one must never get a CID. */
const DECOYS = { 54: '111110'.repeat(9), 63: '1111112'.repeat(9) };

const cidRequest = (iid: string): ActivationRequest => ({
  type: 'cid',
  pid: DEFAULT_PID,
  iid: iid as IidDigits,
});

function innerFor(iid: string, cid: string): string {
  return buildInnerResponse({
    responseType: 1,
    batchId: SAMPLE_SUCCESS.batchId,
    pid: DEFAULT_PID,
    iid,
    cid,
  });
}

/**
 * The longest message an answer may produce: what the parser says plus at most a couple of
 * hundred characters quoted from the answer. Messages are shown, printed and kept in the history.
 */
const MAX_MESSAGE = 600;

/**
 * Checks one parse against the terms above. `sentCid` is the CID as the answer held it before any
 * edit, or null when the edits may have changed the CID element itself.
 */
function expectTrustworthy(
  result: Result<ActivationAnswer>,
  request: ActivationRequest,
  sentCid: string | null,
): void {
  if (!result.ok) {
    expect(['unexpected-response', 'service']).toContain(result.error.kind);
    expect(result.error.message.trim()).not.toBe('');
    expect(result.error.message.length).toBeLessThanOrEqual(MAX_MESSAGE);
    expect(result.error.advice.trim()).not.toBe('');
    if (result.error.kind === 'service') expect(result.error.code).toMatch(/\S/);
    return;
  }
  const answer = result.value;
  if (request.type === 'remaining') {
    expect(answer.type).toBe('remaining');
    if (answer.type === 'remaining') expect(Number.isSafeInteger(answer.remaining)).toBe(true);
    return;
  }
  expect(answer.type).toBe('cid');
  if (answer.type !== 'cid') return;
  expect(answer.cid.digits).toMatch(/^[0-9]{48}$/);
  expect(answer.cid.groups).toEqual(groupsOf(answer.cid.digits, 6));
  expect(answer.cid.groups.every(groupPasses)).toBe(true);
  if (sentCid !== null) expect(answer.cid.digits).toBe(sentCid);
}

/** Parses `body` for the IID it was built for, and for an IID it was not built for. */
function checkBoth(body: string, iid: string, sentCid: string | null): void {
  expectTrustworthy(parseActivationResponse(body, cidRequest(iid)), cidRequest(iid), sentCid);
  const decoy = iid.length === 63 ? DECOYS[63] : DECOYS[54];
  if (decoy !== iid && !body.includes(decoy)) {
    const other = parseActivationResponse(body, cidRequest(decoy));
    expect(other.ok).toBe(false);
    expectTrustworthy(other, cidRequest(decoy), null);
  }
}

// ---------------------------------------------------------------------------------------------
// Edits, each a replacement of a range by a string, so the CID element can be followed through them.

interface Edit {
  /** Where, as any natural number; taken modulo the text's length plus one. */
  at: number;
  /** How many characters are removed there. */
  remove: number;
  insert: string;
}

interface Doc {
  text: string;
  /** Start and end of the CID element, tags included; null once an edit came near it. */
  cid: [number, number] | null;
}

function applyEdit(doc: Doc, edit: Edit): Doc {
  const at = edit.at % (doc.text.length + 1);
  const end = Math.min(doc.text.length, at + edit.remove);
  const text = doc.text.slice(0, at) + edit.insert + doc.text.slice(end);
  if (doc.cid === null) return { text, cid: null };
  const [start, stop] = doc.cid;
  // Touching the element's edges counts as touching the element.
  if (end < start) {
    const shift = edit.insert.length - (end - at);
    return { text, cid: [start + shift, stop + shift] };
  }
  if (at > stop) return { text, cid: doc.cid };
  return { text, cid: null };
}

function docOf(text: string, open: string, close: string): Doc {
  const start = text.indexOf(open);
  const stop = text.indexOf(close, start);
  return { text, cid: start < 0 || stop < 0 ? null : [start, stop + close.length] };
}

const PROTOCOL_NAMES = [
  'VersionNumber',
  'ResponseType',
  'BatchId',
  'Responses',
  'Response',
  'PID',
  'ActivationRemaining',
  'IID',
  'CID',
  'ErrorInfo',
  'ErrorCode',
  'ActivationResponse',
];

/** Raw XML pieces that stress a parser: markup, entities good and bad, odd characters. */
const XML_PIECES = [
  '<',
  '>',
  '&',
  '"',
  "'",
  '/',
  '=',
  ' ',
  '\r\n',
  '\u0000',
  '\u0008',
  '\ufffe',
  '\ud800',
  '\u{1f600}',
  '<!--',
  '-->',
  '<!-- x -->',
  '<![CDATA[',
  ']]>',
  '<![CDATA[7]]>',
  '<?pi x?>',
  '<?xml version="1.0"?>',
  '&amp;',
  '&lt;',
  '&gt;',
  '&quot;',
  '&apos;',
  '&#48;',
  '&#x37;',
  '&#0;',
  '&#xD800;',
  '&#x110000;',
  '&#1114112;',
  '&#99999999999;',
  '&#x;',
  '&#;',
  '&nbsp;',
  '&unknown;',
  '&lol9;',
  '&e;',
  '<!DOCTYPE ActivationResponse [<!ENTITY e "7">]>',
  '<!DOCTYPE x SYSTEM "file:///etc/passwd">',
  '<!ENTITY e SYSTEM "file:///etc/hostname">',
  '<!doctype x>',
  '<CID>',
  '</CID>',
  '<IID>',
  '</IID>',
  '<Response>',
  '</Response>',
  '<Responses>',
  '</Responses>',
  '<ErrorInfo><ErrorCode>0x67</ErrorCode></ErrorInfo>',
  '<ErrorInfo></ErrorInfo>',
  '<ResponseType>2</ResponseType>',
  '<a:CID xmlns:a="urn:x">',
  '</a:CID>',
  ' xmlns="urn:x"',
  ' a="1"',
  ' a="&lt;"',
];

const insertion = fc.oneof(
  fc.constantFrom(...XML_PIECES),
  fc.string({ unit: 'binary', maxLength: 8 }),
  fc.stringMatching(/^[0-9]{1,7}$/),
  fc.constantFrom(...PROTOCOL_NAMES).map((name) => `<${name}>`),
  fc.constantFrom(...PROTOCOL_NAMES).map((name) => `</${name}>`),
);

/** An edit at a random place: flip, insert, delete, replace, truncate. */
const randomEdit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({
    at: fc.nat(),
    remove: fc.constant(1),
    insert: fc.string({ minLength: 1, maxLength: 1, unit: 'binary' }),
  }),
  fc.record({ at: fc.nat(), remove: fc.constant(0), insert: insertion }),
  fc.record({ at: fc.nat(), remove: fc.integer({ min: 1, max: 40 }), insert: fc.constant('') }),
  fc.record({ at: fc.nat(), remove: fc.integer({ min: 1, max: 12 }), insert: insertion }),
  fc.record({
    at: fc.nat(),
    remove: fc.constant(Number.MAX_SAFE_INTEGER),
    insert: fc.constant(''),
  }),
);

/** Copies a whole element of the inner document (the first of that name) to a random place, or right after itself. */
function duplicateElement(text: string, name: string, at: number | null): Edit | null {
  const open = text.search(new RegExp(`<${name}[ >]`));
  const closeTag = `</${name}>`;
  const close = text.indexOf(closeTag, open);
  if (open < 0 || close < 0) return null;
  const element = text.slice(open, close + closeTag.length);
  return { at: at ?? close + closeTag.length, remove: 0, insert: element };
}

const asCharacterReferences = (digits: string) =>
  [...digits].map((d) => `&#${d.charCodeAt(0)};`).join('');

/**
 * What the IID element may say instead of the IID sent, as a function of that IID: another IID,
 * a near miss, or the same digits spelt another way.
 */
const echoedIid: fc.Arbitrary<(iid: string) => string> = fc.oneof(
  validIid.map((other) => () => other),
  fc.stringMatching(/^[0-9]{0,70}$/).map((digits) => () => digits),
  fc.tuple(fc.nat(), fc.integer({ min: 1, max: 9 })).map(([at, delta]) => (iid: string) => {
    const i = at % iid.length;
    return iid.slice(0, i) + String((Number(iid[i]) + delta) % 10) + iid.slice(i + 1);
  }),
  fc.constantFrom(
    () => '',
    (iid: string) => ` ${iid}\r\n`,
    (iid: string) => `${iid}0`,
    (iid: string) => iid.slice(1),
    (iid: string) => [...iid].map((d) => String.fromCharCode(0xff10 + Number(d))).join(''),
    (iid: string) => groupsOf(iid, iid.length === 63 ? 7 : 6).join('-'),
    asCharacterReferences,
    (iid: string) => `<![CDATA[${iid}]]>`,
    (iid: string) => `${iid}<!-- -->`,
  ),
);

/**
 * Spellings the XML itself makes equal to the IID: surrounding white space (values are trimmed),
 * character references, CDATA, a comment. The parser may accept these or refuse them, but must
 * refuse every other.
 */
function sameIid(echoed: string, iid: string): boolean {
  return (
    echoed.trim() === iid ||
    echoed === asCharacterReferences(iid) ||
    echoed === `<![CDATA[${iid}]]>` ||
    echoed === `${iid}<!-- -->`
  );
}

/** A change to the structure of the inner document, found in the document when it is applied. */
type Structural = (inner: string, iid: string) => Edit | null;

const structuralEdit: fc.Arbitrary<Structural> = fc.oneof(
  fc.tuple(fc.constantFrom(...PROTOCOL_NAMES), fc.option(fc.nat(), { nil: null })).map(
    ([name, at]) =>
      (inner: string) =>
        duplicateElement(inner, name, at),
  ),
  echoedIid.map((spell) => (inner: string, iid: string) => {
    const start = inner.indexOf(`<IID>${iid}</IID>`);
    return start < 0 ? null : { at: start + 5, remove: iid.length, insert: spell(iid) };
  }),
  fc.constantFrom<Structural>(
    // An internal entity used for the batch id, and an external one: both need a DOCTYPE.
    (inner) => ({
      at: inner.indexOf('<ActivationResponse'),
      remove: 0,
      insert: '<!DOCTYPE ActivationResponse [<!ENTITY b "{x}">]>',
    }),
    (inner) => ({
      at: inner.indexOf('<ActivationResponse'),
      remove: 0,
      insert: '<!DOCTYPE ActivationResponse [<!ENTITY b SYSTEM "file:///etc/hostname">]>',
    }),
    (inner) => ({
      at: inner.indexOf('</Response>'),
      remove: 0,
      insert: '<ErrorInfo><ErrorCode>0x71</ErrorCode></ErrorInfo>',
    }),
    (inner) => ({ at: inner.indexOf('<ResponseType>') + 14, remove: 1, insert: '2' }),
    (inner) => ({
      at: inner.indexOf('<Responses>') + 11,
      remove: 0,
      insert: '<Response><IID>0</IID></Response>',
    }),
  ),
);

/** Resolves an edit against the document as it stands; indexOf misses (-1) become no edit. */
function structuralToEdit(change: Structural, inner: string, iid: string): Edit | null {
  const edit = change(inner, iid);
  return edit === null || edit.at < 0 ? null : edit;
}

// ---------------------------------------------------------------------------------------------
// Arbitrary documents that look like the protocol, to get past the first checks.

const leafText = fc.oneof(
  fc.constantFrom(
    '1',
    '2',
    '-1',
    '0',
    '0x67',
    '',
    SAMPLE_SUCCESS.iid,
    SAMPLE_SUCCESS.cid,
    DEFAULT_PID,
  ),
  validIid,
  validCid,
  fc.stringMatching(/^-?[0-9]{0,60}$/),
  fc.string({ maxLength: 12 }).map(escapeXml),
);

const ELEMENT_NAMES = [
  ...PROTOCOL_NAMES,
  'soap:Envelope',
  'soap:Body',
  'soap:Fault',
  'faultstring',
  'faultcode',
  'BatchActivateResponse',
  'BatchActivateResult',
  'ResponseXml',
  'x',
];

const { element: xmlTree } = fc.letrec<{ element: string }>((tie) => ({
  element: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leafText,
    fc
      .tuple(fc.constantFrom(...ELEMENT_NAMES), fc.array(tie('element'), { maxLength: 4 }))
      .map(([name, children]) => `<${name}>${children.join('')}</${name}>`),
  ),
}));

/** An inner document around a random tree, sometimes with the whole protocol skeleton. */
const xmlishInner = fc.oneof(
  xmlTree.map((tree) => `<ActivationResponse>${tree}</ActivationResponse>`),
  fc
    .tuple(
      fc.constantFrom('1', '2', '', 'x'),
      fc.array(xmlTree, { maxLength: 3 }),
      fc.array(
        fc.tuple(
          fc.constantFrom('PID', 'IID', 'CID', 'ActivationRemaining', 'ErrorInfo', 'x'),
          leafText,
        ),
        {
          maxLength: 5,
        },
      ),
    )
    .map(
      ([type, extra, fields]) =>
        `<ActivationResponse><ResponseType>${type}</ResponseType>${extra.join('')}<Responses><Response>${fields
          .map(([name, value]) => `<${name}>${value}</${name}>`)
          .join('')}</Response></Responses></ActivationResponse>`,
    ),
);

/** Strings of protocol-like pieces in any order: mostly not XML, some nearly so. */
const xmlishSoup = fc
  .array(
    fc.oneof(
      fc.constantFrom(...XML_PIECES),
      fc.constantFrom(...ELEMENT_NAMES).map((name) => `<${name}>`),
      fc.constantFrom(...ELEMENT_NAMES).map((name) => `</${name}>`),
      leafText,
    ),
    { maxLength: 40 },
  )
  .map((pieces) => pieces.join(''));

// ---------------------------------------------------------------------------------------------

describe('parseActivationResponse on arbitrary input', () => {
  const remainingRequest: ActivationRequest = { type: 'remaining', pid: DEFAULT_PID };

  /** Parses `body` as the answer to both request types; neither may throw. */
  function checkAnyBody(body: string) {
    const cid = parseActivationResponse(body, cidRequest(SAMPLE_SUCCESS.iid));
    expectTrustworthy(cid, cidRequest(SAMPLE_SUCCESS.iid), null);
    expectTrustworthy(parseActivationResponse(body, remainingRequest), remainingRequest, null);
  }

  it(
    'never throws on any string, and fails only as unexpected-response or service',
    () => {
      fc.assert(
        fc.property(
          fc.oneof(
            fc.string({ unit: 'binary', maxLength: 400 }),
            fc.string({ unit: 'grapheme', maxLength: 100 }),
            fc.string({ unit: 'binary-ascii', maxLength: 400 }),
          ),
          (body) => checkAnyBody(body),
        ),
        runs(400),
      );
    },
    TEST_TIMEOUT,
  );

  it(
    'never throws on protocol-like text, bare or inside a SOAP envelope',
    () => {
      fc.assert(
        fc.property(
          fc.oneof(
            xmlishSoup,
            xmlTree,
            xmlishSoup.map(buildSoapResponse),
            xmlishInner.map(buildSoapResponse),
          ),
          (body) => checkAnyBody(body),
        ),
        runs(200),
      );
    },
    TEST_TIMEOUT,
  );

  it(
    'hands out a CID from a random protocol-shaped answer only on the terms above',
    () => {
      fc.assert(
        fc.property(xmlishInner, validIid, (inner, iid) => {
          const body = buildSoapResponse(inner);
          checkBoth(body, iid, null);
          checkBoth(body, SAMPLE_SUCCESS.iid, null);
        }),
        runs(200),
      );
    },
    TEST_TIMEOUT,
  );
});

describe('parseActivationResponse on a megabyte of hostile XML', () => {
  const MiB = 1024 * 1024;
  /** Bodies up to the 1 MiB the client reads, each built to make the parser quote it at length. */
  const shapes: Record<string, (size: number) => string> = {
    'tags left open': (size) => '<a>'.repeat(size / 3),
    'tags left open inside ResponseXml': (size) => buildSoapResponse('<a>'.repeat(size / 12)),
    'a long tag name left open': (size) => `<${'a'.repeat(size - 2)}>`,
    'a long closing tag that does not match': (size) => `<a></${'b'.repeat(size - 6)}>`,
    'a long attribute name': (size) => `<a ${'b'.repeat(size - 10)}="1"></a>`,
    'a long entity name': (size) => `<a>&${'b'.repeat(size - 9)};</a>`,
    'a long SOAP fault string': (size) => buildSoapFault('soap:Server', 'x'.repeat(size - 400)),
    'a long ErrorCode': (size) =>
      buildSoapResponse(
        buildInnerResponse({
          responseType: 1,
          batchId: '{b}',
          pid: DEFAULT_PID,
          iid: SAMPLE_SUCCESS.iid,
          errorCode: 'x'.repeat(size - 1200),
        }),
      ),
    'a long web page title': (size) => `<html><head><title>${'x'.repeat(size - 40)}</title>`,
  };

  it.each(Object.keys(shapes))('keeps the message short for %s', (shape) => {
    for (const size of [4096, MiB]) {
      const body = shapes[shape]!(size);
      const result = parseActivationResponse(body, cidRequest(SAMPLE_SUCCESS.iid));
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(['unexpected-response', 'service']).toContain(result.error.kind);
        expect(result.error.message.length).toBeLessThanOrEqual(MAX_MESSAGE);
        // The detail is for support and is cut as well: the validator's words and an excerpt.
        expect(result.error.detail?.length ?? 0).toBeLessThanOrEqual(2400);
      }
    }
  });
});

describe('a service error code with control characters', () => {
  // Control characters in a code would reach the terminal through the CLI and make the history
  // refuse the error record. See the same case end to end in electron/hostile-server.test.ts.
  it('is read without them', () => {
    for (const code of ['\u001b[2J0x67', '0x\u000067', '0x6\u00077', '\u009b31m0x71']) {
      const body = buildSoapResponse(
        buildInnerResponse({
          responseType: 1,
          batchId: '{b}',
          pid: DEFAULT_PID,
          iid: SAMPLE_SUCCESS.iid,
          errorCode: code,
        }),
      );
      const result = parseActivationResponse(body, cidRequest(SAMPLE_SUCCESS.iid));
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.error.kind).toBe('service');
      expect(result.error.code).not.toMatch(/\p{Cc}/u);
      expect(result.error.message).not.toMatch(/\p{Cc}/u);
    }
  });
});

describe('parseActivationResponse on damaged valid answers', () => {
  it(
    'reads the undamaged answer, for the IID sent and only for it (the properties below start here)',
    () => {
      fc.assert(
        fc.property(exchange, ({ iid, cid }) => {
          const body = buildSoapResponse(innerFor(iid, cid));
          const result = parseActivationResponse(body, cidRequest(iid));
          expect(result.ok && result.value.type === 'cid' && result.value.cid.digits).toBe(cid);
          checkBoth(body, iid, cid);
        }),
        runs(100),
      );
    },
    TEST_TIMEOUT,
  );

  it(
    'edits to the inner document never change which CID comes out',
    () => {
      const change = fc.oneof(
        randomEdit.map((edit) => ({ edit })),
        structuralEdit.map((structural) => ({ structural })),
      );
      fc.assert(
        fc.property(
          exchange,
          fc.array(change, { minLength: 1, maxLength: 4 }),
          ({ iid, cid }, changes) => {
            let doc = docOf(innerFor(iid, cid), '<CID>', '</CID>');
            for (const one of changes) {
              const edit =
                'edit' in one ? one.edit : structuralToEdit(one.structural, doc.text, iid);
              if (edit !== null) doc = applyEdit(doc, edit);
            }
            checkBoth(buildSoapResponse(doc.text), iid, doc.cid === null ? null : cid);
          },
        ),
        runs(300),
      );
    },
    TEST_TIMEOUT,
  );

  it(
    'edits to the SOAP text as it arrives never change which CID comes out',
    () => {
      fc.assert(
        fc.property(
          exchange,
          fc.array(randomEdit, { minLength: 1, maxLength: 4 }),
          ({ iid, cid }, edits) => {
            const body = buildSoapResponse(innerFor(iid, cid));
            let doc = docOf(body, '&lt;CID&gt;', '&lt;/CID&gt;');
            for (const edit of edits) doc = applyEdit(doc, edit);
            checkBoth(doc.text, iid, doc.cid === null ? null : cid);
          },
        ),
        runs(300),
      );
    },
    TEST_TIMEOUT,
  );

  it(
    'refuses an answer that echoes any other IID, however close',
    () => {
      fc.assert(
        fc.property(exchange, echoedIid, ({ iid, cid }, spell) => {
          const echoed = spell(iid);
          const inner = innerFor(iid, cid).replace(`<IID>${iid}</IID>`, `<IID>${echoed}</IID>`);
          const result = parseActivationResponse(buildSoapResponse(inner), cidRequest(iid));
          if (sameIid(echoed, iid)) {
            // Accepted with the very CID sent, or refused: both are safe.
            if (result.ok) expect(result.value.type === 'cid' && result.value.cid.digits).toBe(cid);
            else expect(result.error.kind).toBe('unexpected-response');
          } else {
            expect(result.ok).toBe(false);
            if (!result.ok) {
              expect(result.error.kind).toBe('unexpected-response');
              expect(result.error.message).toBe(
                'The answer is for a different Installation ID than the one sent.',
              );
            }
          }
        }),
        runs(300),
      );
    },
    TEST_TIMEOUT,
  );

  it(
    'returns exactly the CID in the answer, or refuses it when its check digits fail',
    () => {
      const change = fc.record({ at: fc.nat(47), digit: fc.integer({ min: 0, max: 9 }) });
      fc.assert(
        fc.property(
          exchange,
          fc.array(change, { minLength: 1, maxLength: 4 }),
          ({ iid, cid }, changes) => {
            const digits = [...cid];
            for (const { at, digit } of changes) digits[at] = String(digit);
            const altered = digits.join('');
            const result = parseActivationResponse(
              buildSoapResponse(innerFor(iid, altered)),
              cidRequest(iid),
            );
            const passes = groupsOf(altered, 6).every(groupPasses);
            expect(result.ok).toBe(passes);
            if (result.ok && result.value.type === 'cid')
              expect(result.value.cid.digits).toBe(altered);
            if (!result.ok) {
              expect(result.error.message).toBe(
                'The Confirmation ID in the answer fails its check digits, so it was not shown.',
              );
            }
            // A single changed digit is caught unless it is a payload digit moved by exactly 7.
            const moved = [...altered].flatMap((d, i) => (d === cid[i] ? [] : [i]));
            if (moved.length === 1) {
              const at = moved[0]!;
              const invisible =
                at % 6 !== 5 && Math.abs(Number(altered[at]) - Number(cid[at])) === 7;
              expect(result.ok).toBe(invisible);
            }
          },
        ),
        runs(300),
      );
    },
    TEST_TIMEOUT,
  );

  it('cannot see a payload digit moved by 7: such a CID is accepted (the limit of check digits)', () => {
    // Group A of the sample is 062722; its first digit 0 becomes 7 and the check digit still holds.
    const altered = `7${SAMPLE_SUCCESS.cid.slice(1)}`;
    const result = parseActivationResponse(
      buildSoapResponse(innerFor(SAMPLE_SUCCESS.iid, altered)),
      cidRequest(SAMPLE_SUCCESS.iid),
    );
    expect(result.ok && result.value.type === 'cid' && result.value.cid.digits).toBe(altered);
  });

  it(
    'refuses a CID written with separators or other digits, rather than reading it some other way',
    () => {
      const spelling = fc.oneof(
        fc.constant((cid: string) => groupsOf(cid, 6).join('-')),
        fc.constant((cid: string) => groupsOf(cid, 6).join(' ')),
        fc.constant((cid: string) =>
          [...cid].map((d) => String.fromCharCode(0xff10 + Number(d))).join(''),
        ),
        fc.constant((cid: string) =>
          [...cid].map((d) => String.fromCharCode(0x0660 + Number(d))).join(''),
        ),
        fc.nat(47).map((at) => (cid: string) => `${cid.slice(0, at)}\u200b${cid.slice(at)}`),
      );
      fc.assert(
        fc.property(exchange, spelling, ({ iid, cid }, spell) => {
          const result = parseActivationResponse(
            buildSoapResponse(innerFor(iid, spell(cid))),
            cidRequest(iid),
          );
          expect(result.ok).toBe(false);
          if (!result.ok) expect(result.error.kind).toBe('unexpected-response');
        }),
        runs(200),
      );
    },
    TEST_TIMEOUT,
  );
});
