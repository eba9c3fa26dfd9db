import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseIid } from './iid';
import { DEFAULT_PID, type ExtendedPid } from './pid';
import { SAMPLE_SUCCESS } from './protocol-samples';
import {
  buildEnvelope,
  buildRequestDocument,
  buildSignedRequest,
  encodeUtf16Le,
  toBase64,
} from './request';

function sampleIid() {
  const iid = parseIid(SAMPLE_SUCCESS.iid);
  if (!iid.ok) throw new Error(iid.error.message);
  return iid.value.digits;
}

describe('request building', () => {
  it('produces Test vector 1 byte for byte', async () => {
    const signed = await buildSignedRequest({ type: 'cid', pid: DEFAULT_PID, iid: sampleIid() });
    expect(signed.requestXml).toBe(SAMPLE_SUCCESS.requestXml);
    expect(signed.digest).toBe(SAMPLE_SUCCESS.digest);
  });

  it('lays the inner document out with CR LF, two-space indents and no final line end', () => {
    const doc = buildRequestDocument({ type: 'cid', pid: DEFAULT_PID, iid: sampleIid() });
    const decoded = Buffer.from(SAMPLE_SUCCESS.requestXml, 'base64').toString('utf16le');
    expect(doc).toBe(decoded);
    expect(doc.split('\r\n')).toHaveLength(7);
    expect(doc.endsWith('</ActivationRequest>')).toBe(true);
    expect(doc).not.toMatch(/[^\r]\n/);
  });

  it('builds RequestType 2 with only the PID in the Request element', () => {
    const doc = buildRequestDocument({ type: 'remaining', pid: DEFAULT_PID });
    expect(doc).toContain('  <RequestType>2</RequestType>\r\n');
    expect(doc).toContain(`    <Request><PID>${DEFAULT_PID}</PID></Request>\r\n`);
    expect(doc).not.toContain('<IID>');
  });

  it('signs RequestType 2 with the same key as Node computes it', async () => {
    const pid = '55041-00172-033-600075-03-1033-7601.0000-1412012' as ExtendedPid;
    const signed = await buildSignedRequest({ type: 'remaining', pid });
    const bytes = Buffer.from(signed.requestXml, 'base64');
    const key = Buffer.from(
      '254 49 152 117 251 72 132 134 156 243 241 206 153 168 144 100 171 87 31 202 71 4 80 88 48 36 226 20 98 135 121 160'
        .split(' ')
        .map(Number),
    );
    expect(signed.digest).toBe(createHmac('sha256', key).update(bytes).digest('base64'));
    expect(bytes.toString('utf16le')).toBe(buildRequestDocument({ type: 'remaining', pid }));
  });

  it('puts digest and RequestXml into the SOAP envelope', async () => {
    const signed = await buildSignedRequest({ type: 'cid', pid: DEFAULT_PID, iid: sampleIid() });
    expect(signed.body).toBe(buildEnvelope(SAMPLE_SUCCESS.digest, SAMPLE_SUCCESS.requestXml));
    expect(signed.body).toContain(`<Digest>${SAMPLE_SUCCESS.digest}</Digest>\r\n`);
    expect(
      signed.body.startsWith(
        '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">',
      ),
    ).toBe(true);
  });
});

describe('encodings', () => {
  it('encodes UTF-16LE without a byte-order mark, surrogates as two code units', () => {
    expect([...encodeUtf16Le('A€')]).toEqual([0x41, 0, 0xac, 0x20]);
    expect(Buffer.from(encodeUtf16Le('x😀')).toString('utf16le')).toBe('x😀');
  });

  it("matches Node's Base64 for every length remainder", () => {
    for (let length = 0; length < 70; length += 1) {
      const bytes = Uint8Array.from({ length }, (_, i) => (i * 97 + length) & 0xff);
      expect(toBase64(bytes)).toBe(Buffer.from(bytes).toString('base64'));
    }
  });
});
