/**
 * Writes answers in the service's own format. The simulator serves them, and the tests feed them
 * to the parser, so both sides of the protocol are checked against the same documented layout.
 */

export interface InnerResponseFields {
  responseType: 1 | 2;
  batchId: string;
  pid: string;
  activationRemaining?: string;
  iid?: string;
  cid?: string;
  errorCode?: string;
}

/** Escapes text for XML character data and attribute values. */
export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** The inner ActivationResponse document, laid out as the service sends it. */
export function buildInnerResponse(fields: InnerResponseFields): string {
  const lines = [
    '<?xml version="1.0" encoding="utf-16"?>',
    '<ActivationResponse xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns="http://www.microsoft.com/DRM/SL/BatchActivationResponse/1.0">',
    '<VersionNumber>1.0</VersionNumber>',
    `<ResponseType>${fields.responseType}</ResponseType>`,
    `<BatchId>${fields.batchId}</BatchId>`,
    '<Responses>',
    '<Response>',
    `<PID>${fields.pid}</PID>`,
    `<ActivationRemaining>${fields.activationRemaining ?? '-1'}</ActivationRemaining>`,
  ];
  if (fields.iid !== undefined) lines.push(`<IID>${fields.iid}</IID>`);
  if (fields.cid !== undefined) lines.push(`<CID>${fields.cid}</CID>`);
  if (fields.errorCode !== undefined) {
    lines.push('<ErrorInfo>', `<ErrorCode>${fields.errorCode}</ErrorCode>`, '</ErrorInfo>');
  }
  lines.push('</Response>', '</Responses>', '</ActivationResponse>');
  return lines.join('\r\n');
}

/** Wraps an inner document in the ASMX SOAP envelope, entity-escaped as the service does. */
export function buildSoapResponse(innerXml: string): string {
  return (
    '<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema"><soap:Body><BatchActivateResponse xmlns="http://www.microsoft.com/BatchActivationService"><BatchActivateResult><ResponseXml>' +
    escapeXml(innerXml) +
    '</ResponseXml></BatchActivateResult></BatchActivateResponse></soap:Body></soap:Envelope>'
  );
}

/** A SOAP 1.1 fault, as ASMX sends for a request it cannot process. */
export function buildSoapFault(faultCode: string, faultString: string): string {
  return (
    '<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema"><soap:Body><soap:Fault>' +
    `<faultcode>${escapeXml(faultCode)}</faultcode><faultstring>${escapeXml(faultString)}</faultstring><detail /></soap:Fault></soap:Body></soap:Envelope>`
  );
}
