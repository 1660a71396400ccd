import { totp } from './totp';

describe('the test TOTP generator', () => {
  // RFC 6238 appendix B, SHA-1 key "12345678901234567890" (base32 below), last 6 digits of the 8-digit vectors.
  const secret = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
  it.each([
    [59, '287082'],
    [1111111109, '081804'],
    [1111111111, '050471'],
    [1234567890, '005924'],
    [2000000000, '279037'],
  ])('at %i s gives %s', (t, code) => {
    expect(totp(secret, Math.floor(t / 30))).toBe(code);
  });
});
