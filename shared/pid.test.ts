import { describe, expect, it } from 'vitest';
import { DEFAULT_PID, parsePid } from './pid';

describe('parsePid', () => {
  it('accepts the default and Extended PIDs as slmgr.vbs /dlv prints them', () => {
    for (const pid of [
      DEFAULT_PID,
      '55041-00172-033-600075-03-1033-7601.0000-1412012',
      '03612-03850-000-000000-03-1033-26100.0000-0232026',
    ]) {
      expect(parsePid(`  ${pid}\n`)).toEqual({ ok: true, value: pid });
    }
  });

  it('reads full-width digits', () => {
    const wide = DEFAULT_PID.replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d)));
    expect(parsePid(wide)).toEqual({ ok: true, value: DEFAULT_PID });
  });

  it('refuses anything else with an example of the right form', () => {
    for (const bad of [
      '12345',
      `${DEFAULT_PID}0`,
      DEFAULT_PID.replace('.', '-'),
      'x'.repeat(500),
    ]) {
      const result = parsePid(bad);
      expect(result.ok).toBe(false);
      expect(!result.ok && result.error.advice).toContain(
        '00000-00138-207-109016-00-1033-26100.0000-0922026',
      );
      expect(!result.ok && result.error.message.length).toBeLessThan(100);
    }
    expect(parsePid('')).toMatchObject({
      ok: false,
      error: { message: 'No Extended PID was entered.' },
    });
  });
});
