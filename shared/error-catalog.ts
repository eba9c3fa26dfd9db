import { makeError, printable, type CidDeskError } from './errors';

/** Whether Microsoft's own phone activation (slui 4) may still issue a CID for a genuine key. */
export type PhoneActivation = 'no' | 'maybe';

export interface ErrorCodeInfo {
  /** Normalised code: `0x` and upper-case hex digits without leading zeros, such as `0xC004C017`. */
  code: string;
  title: string;
  explanation: string;
  advice: string;
  phoneActivation: PhoneActivation;
}

const PHONE =
  'Run "slui 4" on the machine you are activating and call the number it shows: Microsoft can issue a Confirmation ID by phone to the owner of a genuine key.';

/** Every code the BatchActivation service is known to return, with what it means for the user. */
export const ERROR_CATALOG: readonly ErrorCodeInfo[] = [
  {
    code: '0x67',
    title: 'The product key has been blocked',
    explanation:
      'Microsoft has blocked this product key, usually because it was leaked, sold without a licence or reported stolen. No Confirmation ID will be issued for it.',
    advice:
      'Use a different, genuine product key, or contact the seller or your Microsoft licensing partner about this one.',
    phoneActivation: 'no',
  },
  {
    code: '0x68',
    title: 'Unsupported or generated product key',
    explanation:
      'The service does not recognise the key behind this Installation ID as one it can activate. Keys produced by key generators end here.',
    advice: 'Install a genuine product key on the machine, then show its new Installation ID.',
    phoneActivation: 'no',
  },
  {
    code: '0x71',
    title: 'The key has used all its activations',
    explanation: 'This product key has been activated as many times as its licence allows.',
    advice: `${PHONE} For volume keys, your licensing partner can also raise the limit.`,
    phoneActivation: 'maybe',
  },
  {
    code: '0x7F',
    title: 'The MAK has used all its activations',
    explanation:
      'This Multiple Activation Key has reached the number of activations it was issued with.',
    advice: `Ask your Microsoft licensing partner or the Volume Licensing Service Center to raise the MAK's limit. ${PHONE}`,
    phoneActivation: 'maybe',
  },
  {
    code: '0x86',
    title: 'This kind of key cannot be activated here',
    explanation:
      'The key is valid, but its type (for example an evaluation, subscription or time-based key) is not activated through this service.',
    advice:
      'Activate it the way its type requires (online, through its subscription, or with KMS), or use a retail, OEM or MAK key.',
    phoneActivation: 'no',
  },
  {
    code: '0x8D',
    title: 'Refused for a reason the service does not explain (0x8D)',
    explanation:
      'The service refused this request with code 0x8D, which Microsoft does not document.',
    advice: PHONE,
    phoneActivation: 'maybe',
  },
  {
    code: '0x8F',
    title: 'Refused for a reason the service does not explain (0x8F)',
    explanation:
      'The service refused this request with code 0x8F, which Microsoft does not document.',
    advice: PHONE,
    phoneActivation: 'maybe',
  },
  {
    code: '0x90',
    title: 'Invalid Installation ID',
    explanation:
      'The service could not read this Installation ID, although its check digits are right. It may belong to a product the service does not handle, or be out of date after a hardware or key change.',
    advice:
      'Show the Installation ID again on the machine you are activating (slmgr.vbs /dti or ospp.vbs /dinstid) and paste the current one.',
    phoneActivation: 'no',
  },
  {
    code: '0xD5',
    title: 'ROT activation override limit reached',
    explanation:
      'The override limit for this key (a retail key activated through an override) has been used up.',
    advice: 'Use a different product key; this one cannot be activated again.',
    phoneActivation: 'no',
  },
  {
    code: '0xD6',
    title: 'DMAK activation override limit reached',
    explanation: 'The override limit for this volume key has been used up.',
    advice: `Ask your Microsoft licensing partner to reset or raise the limit. ${PHONE}`,
    phoneActivation: 'maybe',
  },
  {
    code: '0xC004C017',
    title: 'The key is blocked in this region',
    explanation:
      'Microsoft has blocked this product key for the geographic location the request came from.',
    advice: `Use a key sold for this region. ${PHONE}`,
    phoneActivation: 'maybe',
  },
  {
    code: '0x80131600',
    title: 'Invalid Extended PID, or a server error',
    explanation:
      'The service could not handle the Extended PID sent with the request, or failed internally while handling it.',
    advice:
      'If you entered your own Extended PID in Settings, check it against slmgr.vbs /dlv or switch back to the default, then try again later.',
    phoneActivation: 'maybe',
  },
  {
    code: '0x80004003',
    title: 'The service failed internally',
    explanation:
      'The service returned an internal error (0x80004003). It has been seen during Microsoft service outages.',
    advice:
      'Wait a while and try again. The request was answered with an error, so no Confirmation ID was issued.',
    phoneActivation: 'maybe',
  },
];

const BY_CODE = new Map(ERROR_CATALOG.map((info) => [info.code, info]));

/** Canonical form of a service error code: `0x67`, `0xC004C017`; unreadable codes come back trimmed. */
export function normalizeErrorCode(raw: string): string {
  const text = raw.trim();
  const hex = /^0x0*([0-9a-f]{1,16})$/i.exec(text);
  if (hex) return `0x${hex[1]!.toUpperCase()}`;
  // Anything else came from the server as it is: it must not carry terminal escapes.
  return printable(text).slice(0, 40);
}

/** What the catalogue says about a code; an unknown code gets a sensible general entry. */
export function describeErrorCode(rawCode: string): ErrorCodeInfo & { known: boolean } {
  const code = normalizeErrorCode(rawCode);
  const info = BY_CODE.get(code);
  if (info) return { ...info, known: true };
  return {
    code,
    title: `Refused with an unrecognised code (${code})`,
    explanation: `The service refused this request with code ${code}, which CID Desk does not know.`,
    advice: `Check that the Installation ID is current, then try again later. ${PHONE}`,
    phoneActivation: 'maybe',
    known: false,
  };
}

/** The error value for a code the service answered with. */
export function serviceError(rawCode: string): CidDeskError {
  const info = describeErrorCode(rawCode);
  return makeError('service', `${info.title}. ${info.explanation}`, info.advice, {
    code: info.code,
  });
}
