/**
 * Building and signing one request, and reading one answer, each timed per call: the pure
 * protocol work the client does around every network exchange.
 */
import type { IidDigits } from '../shared/iid';
import type { ExtendedPid } from '../shared/pid';
import { SAMPLE_PID, SAMPLE_SUCCESS } from '../shared/protocol-samples';
import { buildSignedRequest, type ActivationRequest } from '../shared/request';
import { parseActivationResponse } from '../shared/response';
import { buildInnerResponse, buildSoapResponse } from '../shared/response-xml';
import { msSince, timing, type Figure, type Target } from './stats';

const WARM_UP = 3_000;
const SAMPLES = 20_000;
const TARGET: Target = { max: 0.1, on: 'median', label: '< 100 µs median' };

/** Test vector 1 of PROTOCOL.md: the request the reference client sent. */
export const VECTOR_REQUEST: ActivationRequest = {
  type: 'cid',
  pid: SAMPLE_PID as ExtendedPid,
  iid: SAMPLE_SUCCESS.iid as IidDigits,
};

/** The service's success answer to Test vector 1, in its own layout. */
export function vectorAnswer(): string {
  return buildSoapResponse(
    buildInnerResponse({
      responseType: 1,
      batchId: SAMPLE_SUCCESS.batchId,
      pid: SAMPLE_PID,
      iid: SAMPLE_SUCCESS.iid,
      cid: SAMPLE_SUCCESS.cid,
    }),
  );
}

/** Times buildSignedRequest and parseActivationResponse, after checking both give the known bytes. */
export async function benchProtocol(): Promise<Figure[]> {
  const signed = await buildSignedRequest(VECTOR_REQUEST);
  if (signed.digest !== SAMPLE_SUCCESS.digest || signed.requestXml !== SAMPLE_SUCCESS.requestXml) {
    throw new Error('buildSignedRequest no longer reproduces Test vector 1; fix that first.');
  }
  const answer = vectorAnswer();
  const parsed = parseActivationResponse(answer, VECTOR_REQUEST);
  if (!parsed.ok || parsed.value.type !== 'cid' || parsed.value.cid.digits !== SAMPLE_SUCCESS.cid) {
    throw new Error('parseActivationResponse does not read the Test vector 1 answer as its CID.');
  }

  for (let i = 0; i < WARM_UP; i += 1) await buildSignedRequest(VECTOR_REQUEST);
  const build: number[] = [];
  for (let i = 0; i < SAMPLES; i += 1) {
    const start = process.hrtime.bigint();
    await buildSignedRequest(VECTOR_REQUEST);
    build.push(msSince(start));
  }

  let sink = 0;
  for (let i = 0; i < WARM_UP; i += 1) {
    sink += parseActivationResponse(answer, VECTOR_REQUEST).ok ? 1 : 0;
  }
  const parse: number[] = [];
  for (let i = 0; i < SAMPLES; i += 1) {
    const start = process.hrtime.bigint();
    const result = parseActivationResponse(answer, VECTOR_REQUEST);
    parse.push(msSince(start));
    sink += result.ok ? 1 : 0;
  }
  if (sink !== WARM_UP + SAMPLES) throw new Error('A parse of the same answer failed.');

  return [
    timing('protocol', 'buildSignedRequest (Test vector 1)', build, {
      target: TARGET,
      note: `encode UTF-16LE + Base64 + HMAC-SHA256 (Web Crypto, awaited) + envelope; ${signed.body.length} bytes out`,
    }),
    timing('protocol', 'parseActivationResponse (success answer)', parse, {
      target: TARGET,
      note: `validate + parse outer SOAP, unescape and parse inner document, check CID; ${answer.length} bytes in`,
    }),
  ];
}
