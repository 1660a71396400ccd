import { createHmac } from 'node:crypto';
import { retryDelayMs, sign, verify } from '../../../src/webhooks/domain/signature.js';

const secret = 'whsec_test';
const body = JSON.stringify({ deliveryId: 'd1', event: { type: 'records.RecordAccepted' } });
const t = 1_764_000_000;

describe('webhook signature', () => {
  it('is HMAC-SHA256 over "<timestamp>.<body>", as a receiver would compute it', () => {
    const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
    expect(sign(secret, body, t)).toBe(`t=${t},v1=${expected}`);
    expect(verify(secret, sign(secret, body, t), body, t + 10)).toEqual({ ok: true });
  });

  it('refuses a tampered body', () => {
    expect(verify(secret, sign(secret, body, t), body.replace('d1', 'd2'), t)).toEqual({
      ok: false,
      reason: 'mismatch',
    });
  });

  it('refuses a signature made with another secret (a forger)', () => {
    expect(verify(secret, sign('whsec_forger', body, t), body, t)).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('refuses a replayed delivery whose timestamp is too old, and a re-stamped one', () => {
    expect(verify(secret, sign(secret, body, t), body, t + 301)).toEqual({ ok: false, reason: 'stale' });
    const restamped = sign(secret, body, t).replace(`t=${t}`, `t=${t + 400}`);
    expect(verify(secret, restamped, body, t + 400)).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('refuses a malformed header', () => {
    expect(verify(secret, 'sha256=abc', body, t)).toEqual({ ok: false, reason: 'malformed' });
  });
});

describe('retry schedule', () => {
  it('doubles from the base and stops at the cap', () => {
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, 1000, 60_000, 1))).toEqual([1000, 2000, 4000, 8000]);
    expect(retryDelayMs(20, 1000, 60_000, 1)).toBe(60_000);
  });

  it('jitters down by at most 20 %', () => {
    expect(retryDelayMs(3, 1000, 60_000, 0)).toBe(3200);
  });
});
