import type { IidDigits } from './iid';
import type { ExtendedPid } from './pid';

/**
 * The response header the simulator sends with every answer, rejections included, so that the
 * client knows a made-up CID for what it is even when the simulator is reached through an
 * endpoint set by hand (`cid-desk simulate`): CID Desk then files it as the simulator's, where it
 * never answers a request to the real service. Microsoft's service never sends it.
 */
export const SIMULATOR_HEADER = 'X-CID-Desk-Simulator';

/** Microsoft's BatchActivation endpoint, the one VAMT uses for proxy activation. */
export const SERVICE_URL =
  'https://activation.sls.microsoft.com/BatchActivation/BatchActivation.asmx';
export const SOAP_ACTION = 'http://www.microsoft.com/BatchActivationService/BatchActivate';
export const USER_AGENT =
  'Mozilla/4.0 (compatible; MSIE 6.0; MS Web Services Client Protocol 2.0.50727.5420)';
export const REQUEST_HEADERS: Readonly<Record<string, string>> = {
  'Content-Type': 'text/xml; charset=utf-8',
  SOAPAction: SOAP_ACTION,
  'User-Agent': USER_AGENT,
};

/**
 * The fixed HMAC-SHA256 key that ships with every BatchActivation client. It is not a secret of
 * the user's: it only proves to the service that the request came from a known client.
 */
const SIGNING_KEY = new Uint8Array([
  254, 49, 152, 117, 251, 72, 132, 134, 156, 243, 241, 206, 153, 168, 144, 100, 171, 87, 31, 202,
  71, 4, 80, 88, 48, 36, 226, 20, 98, 135, 121, 160,
]);

/** RequestType 1 asks for a Confirmation ID; RequestType 2 for the activations left on a key. */
export type ActivationRequest =
  { type: 'cid'; pid: ExtendedPid; iid: IidDigits } | { type: 'remaining'; pid: ExtendedPid };

/**
 * The inner request document, laid out byte for byte as the reference client sends it:
 * CR LF line ends, two-space indentation, the Request element on one line, no final line end.
 */
export function buildRequestDocument(request: ActivationRequest): string {
  const entry =
    request.type === 'cid'
      ? `<Request><PID>${request.pid}</PID><IID>${request.iid}</IID></Request>`
      : `<Request><PID>${request.pid}</PID></Request>`;
  return [
    '<ActivationRequest xmlns="http://www.microsoft.com/DRM/SL/BatchActivationRequest/1.0">',
    '  <VersionNumber>2.0</VersionNumber>',
    `  <RequestType>${request.type === 'cid' ? 1 : 2}</RequestType>`,
    '  <Requests>',
    `    ${entry}`,
    '  </Requests>',
    '</ActivationRequest>',
  ].join('\r\n');
}

/** UTF-16LE code units without a byte-order mark, as .NET's Encoding.Unicode writes them. */
export function encodeUtf16Le(text: string): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(text.length * 2);
  for (let i = 0; i < text.length; i += 1) {
    const unit = text.charCodeAt(i);
    bytes[i * 2] = unit & 0xff;
    bytes[i * 2 + 1] = unit >> 8;
  }
  return bytes;
}

const BASE64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Standard Base64 with padding. */
export function toBase64(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out +=
      BASE64_ALPHABET[n >> 18]! +
      BASE64_ALPHABET[(n >> 12) & 63]! +
      BASE64_ALPHABET[(n >> 6) & 63]! +
      BASE64_ALPHABET[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest > 0) {
    const n = (bytes[i]! << 16) | (rest === 2 ? bytes[i + 1]! << 8 : 0);
    out += BASE64_ALPHABET[n >> 18]! + BASE64_ALPHABET[(n >> 12) & 63]!;
    out += rest === 2 ? `${BASE64_ALPHABET[(n >> 6) & 63]!}=` : '==';
  }
  return out;
}

let signingKey: ReturnType<typeof crypto.subtle.importKey> | undefined;

/** Base64 of HMAC-SHA256 over the given bytes with the client key, through Web Crypto. */
export async function signRequestBytes(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  signingKey ??= crypto.subtle.importKey(
    'raw',
    SIGNING_KEY,
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  const mac = await crypto.subtle.sign('HMAC', await signingKey, bytes);
  return toBase64(new Uint8Array(mac));
}

/** The SOAP envelope around a signed request. */
export function buildEnvelope(digest: string, requestXml: string): string {
  return [
    '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">',
    '<soap:Body>',
    '<BatchActivate xmlns="http://www.microsoft.com/BatchActivationService">',
    '<request>',
    `<Digest>${digest}</Digest>`,
    `<RequestXml>${requestXml}</RequestXml>`,
    '</request>',
    '</BatchActivate>',
    '</soap:Body>',
    '</soap:Envelope>',
  ].join('\r\n');
}

export interface SignedRequest {
  /** Base64 of the UTF-16LE inner document. */
  requestXml: string;
  /** Base64 HMAC-SHA256 of the same bytes. */
  digest: string;
  /** The whole SOAP envelope, to be sent as UTF-8. */
  body: string;
}

/** Builds, encodes and signs a request, ready to POST with REQUEST_HEADERS. */
export async function buildSignedRequest(request: ActivationRequest): Promise<SignedRequest> {
  const bytes = encodeUtf16Le(buildRequestDocument(request));
  const requestXml = toBase64(bytes);
  const digest = await signRequestBytes(bytes);
  return { requestXml, digest, body: buildEnvelope(digest, requestXml) };
}
