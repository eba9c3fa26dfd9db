import { describe, expect, it } from 'vitest';
import type { IidDigits } from './iid';
import { DEFAULT_PID } from './pid';
import { SAMPLE_BLOCKED, SAMPLE_SUCCESS } from './protocol-samples';
import type { ActivationRequest } from './request';
import { parseActivationResponse } from './response';
import { buildInnerResponse, buildSoapFault, buildSoapResponse } from './response-xml';

const cidRequest: ActivationRequest = {
  type: 'cid',
  pid: DEFAULT_PID,
  iid: SAMPLE_SUCCESS.iid as IidDigits,
};

const successBody = buildSoapResponse(
  buildInnerResponse({
    responseType: 1,
    batchId: SAMPLE_SUCCESS.batchId,
    pid: DEFAULT_PID,
    iid: SAMPLE_SUCCESS.iid,
    cid: SAMPLE_SUCCESS.cid,
  }),
);

function errorMessage(body: string, request: ActivationRequest = cidRequest) {
  const result = parseActivationResponse(body, request);
  if (result.ok) throw new Error('expected a failure');
  return result.error;
}

describe('parseActivationResponse', () => {
  it('reads the documented success answer, CID as a string of 48 digits', () => {
    const result = parseActivationResponse(successBody, cidRequest);
    expect(result).toEqual({
      ok: true,
      value: {
        type: 'cid',
        cid: {
          digits: SAMPLE_SUCCESS.cid,
          groups: ['062722', '477945', '868792', '870895', '165923', '782876', '591463', '700690'],
        },
        pid: DEFAULT_PID,
        activationRemaining: '-1',
        batchId: SAMPLE_SUCCESS.batchId,
      },
    });
  });

  it('turns the documented error answer into a service error with code 0x67, not 103', () => {
    const body = buildSoapResponse(
      buildInnerResponse({
        responseType: 1,
        batchId: SAMPLE_BLOCKED.batchId,
        pid: DEFAULT_PID,
        iid: SAMPLE_BLOCKED.iid,
        errorCode: '0x67',
      }),
    );
    const error = errorMessage(body, { ...cidRequest, iid: SAMPLE_BLOCKED.iid as IidDigits });
    expect(error.kind).toBe('service');
    expect(error.code).toBe('0x67');
    expect(error.message).toMatch(/^The product key has been blocked\./);
  });

  it('reads the remaining activations of a RequestType 2 answer', () => {
    const body = buildSoapResponse(
      buildInnerResponse({
        responseType: 2,
        batchId: '{b}',
        pid: DEFAULT_PID,
        activationRemaining: '0',
      }),
    );
    expect(parseActivationResponse(body, { type: 'remaining', pid: DEFAULT_PID })).toEqual({
      ok: true,
      value: { type: 'remaining', pid: DEFAULT_PID, remaining: 0, batchId: '{b}' },
    });
  });

  it('explains an ASP.NET HTML error page', () => {
    const error = errorMessage(
      "<!DOCTYPE html>\r\n<html><head><title>Runtime Error</title></head><body>Server Error in '/' Application.</body></html>",
    );
    expect(error).toMatchObject({
      kind: 'unexpected-response',
      message:
        'The service answered with a web page instead of an activation answer ("Runtime Error").',
    });
    expect(error.detail).toContain('Server Error');
  });

  it('reports a SOAP fault with its faultstring', () => {
    const error = errorMessage(
      buildSoapFault('soap:Server', 'Server was unable to process request.'),
    );
    expect(error.message).toBe(
      'The service reported a SOAP fault: "Server was unable to process request.".',
    );
  });

  it.each([
    ['', 'The service sent an empty answer.'],
    ['{"cid": 1}', "The service's answer is not XML."],
    ['<soap:Envelope><soap:Body>', /^The service's answer is not well-formed XML/],
    ['<a/>', 'The answer is not a SOAP message: it has no Envelope and Body.'],
    [buildSoapResponse(''), 'The answer has no ResponseXml element.'],
    [buildSoapResponse('<Other/>'), 'The answer has no ActivationResponse element.'],
    [
      buildSoapResponse('<ActivationResponse><ResponseType>1</ResponseType>'),
      /^The inner activation document is not well-formed XML/,
    ],
  ])('refuses %j', (body, message) => {
    const error = errorMessage(body);
    expect(error.kind).toBe('unexpected-response');
    expect(error.message).toMatch(message);
  });

  it('refuses an answer for another IID', () => {
    const body = successBody.replace(SAMPLE_SUCCESS.iid, SAMPLE_SUCCESS.iid.replace(/1$/, '2'));
    expect(errorMessage(body).message).toBe(
      'The answer is for a different Installation ID than the one sent.',
    );
  });

  it('refuses a CID that fails its check digits', () => {
    const body = successBody.replace(SAMPLE_SUCCESS.cid, SAMPLE_SUCCESS.cid.replace(/0$/, '1'));
    expect(errorMessage(body).message).toBe(
      'The Confirmation ID in the answer fails its check digits, so it was not shown.',
    );
  });

  it('refuses several Response elements for one request', () => {
    const inner = buildInnerResponse({
      responseType: 1,
      batchId: '{x}',
      pid: DEFAULT_PID,
      iid: SAMPLE_SUCCESS.iid,
      cid: SAMPLE_SUCCESS.cid,
    });
    const doubled = inner.replace(/<Response>[\s\S]*<\/Response>/, (r) => `${r}${r}`);
    expect(errorMessage(buildSoapResponse(doubled)).message).toBe(
      'The answer holds 2 Response elements for one request.',
    );
  });

  it('refuses a ResponseType that does not match the request', () => {
    expect(errorMessage(successBody, { type: 'remaining', pid: DEFAULT_PID }).message).toBe(
      'The answer is of ResponseType 1, not 2 as requested.',
    );
  });

  it('never expands a DOCTYPE, outside or inside', () => {
    const bomb =
      '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>&lol2;</soap:Body></soap:Envelope>';
    expect(errorMessage(bomb).message).toMatch(/declares a DOCTYPE/);
    const innerBomb = buildSoapResponse(
      '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><ActivationResponse>&e;</ActivationResponse>',
    );
    expect(errorMessage(innerBomb).message).toMatch(/inner activation document declares a DOCTYPE/);
  });

  it('keeps an unknown error code as the service wrote it', () => {
    const body = buildSoapResponse(
      buildInnerResponse({
        responseType: 1,
        batchId: '{x}',
        pid: DEFAULT_PID,
        iid: SAMPLE_SUCCESS.iid,
        errorCode: '0x00000ABC',
      }),
    );
    expect(errorMessage(body)).toMatchObject({ kind: 'service', code: '0xABC' });
  });
});
