import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Webhook signatures: `X-UHR-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`.
 * The timestamp is inside the MAC so a captured delivery cannot be replayed later with a fresh header.
 */
export const SIGNATURE_HEADER = 'x-uhr-signature';

export function sign(secret: string, body: string, timestampSec: number): string {
  const mac = createHmac('sha256', secret).update(`${timestampSec}.${body}`).digest('hex');
  return `t=${timestampSec},v1=${mac}`;
}

export type VerifyResult = { ok: true } | { ok: false; reason: 'malformed' | 'stale' | 'mismatch' };

/** What a receiver does; exported for tests and for organisations' reference. */
export function verify(secret: string, header: string, body: string, nowSec: number, toleranceSec = 300): VerifyResult {
  const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header);
  if (!m?.[1] || !m[2]) return { ok: false, reason: 'malformed' };
  const t = Number(m[1]);
  if (Math.abs(nowSec - t) > toleranceSec) return { ok: false, reason: 'stale' };
  const expected = Buffer.from(sign(secret, body, t).slice(-64), 'hex');
  const given = Buffer.from(m[2], 'hex');
  return timingSafeEqual(expected, given) ? { ok: true } : { ok: false, reason: 'mismatch' };
}

/**
 * Delay before the next attempt after `failures` failed ones: base·2^(failures−1), capped, with up to 20 %
 * jitter (random passed in) so receivers coming back from an outage are not hit by every sender at once.
 */
export function retryDelayMs(failures: number, baseMs: number, capMs: number, random = 0.5): number {
  const exp = Math.min(capMs, baseMs * 2 ** Math.max(0, Math.min(failures - 1, 30)));
  return Math.round(exp * (0.8 + 0.2 * random));
}
