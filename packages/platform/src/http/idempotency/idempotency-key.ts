import { createHash } from 'node:crypto';

/**
 * The pure rules of the `Idempotency-Key` header (IETF draft-ietf-httpapi-idempotency-key-header): what a key
 * may look like, what makes two requests "the same", and what a second request with a key already seen gets.
 * The interceptor (idempotency.interceptor.ts) and the store (idempotency-store.ts) only carry these out.
 */

/** The request header, and the answer header that says a response is the stored one of a first attempt. */
export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';
export const IDEMPOTENT_REPLAYED_HEADER = 'Idempotent-Replayed';

/** A key is remembered this long after its first use, then swept; a retry after that runs as a new request. */
export const IDEMPOTENCY_KEY_TTL_HOURS = 24;
/** A first attempt holds its key this long; a retry after it (the first one crashed) may take the key over. */
export const IDEMPOTENCY_LEASE_SECONDS = 30;

const KEY_SHAPE = /^[\x21-\x7e]{1,255}$/;

/**
 * The key of a header value: a Structured Field string (`"…"`, as the draft writes it) or the bare token most
 * clients send; printable ASCII without spaces, 1–255 characters. undefined when absent, an Error when malformed.
 */
export function parseIdempotencyKey(header: unknown): string | undefined | Error {
  if (header === undefined) return undefined;
  if (typeof header !== 'string') return new Error('send one Idempotency-Key header');
  const raw = header.trim();
  const key = raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"') ? raw.slice(1, -1) : raw;
  if (!KEY_SHAPE.test(key) || key.includes('"')) {
    return new Error('Idempotency-Key must be 1-255 printable ASCII characters without spaces or quotes');
  }
  return key;
}

/** What two attempts must share to be the same request: method, path with query, and the payload. */
export interface RequestShape {
  method: string;
  url: string;
  body: unknown;
}

/** SHA-256 (hex) over the method, the path and the payload as it arrived (same bytes → same fingerprint). */
export function fingerprintOf(req: RequestShape): string {
  const body = req.body === undefined ? '' : JSON.stringify(req.body);
  return createHash('sha256')
    .update(`${req.method.toUpperCase()} ${req.url}\n${body ?? ''}`)
    .digest('hex');
}

/** A key's row as stored: the first attempt's fingerprint, and its answer once it has one. */
export interface StoredKey {
  fingerprint: string;
  state: 'in_flight' | 'done';
  lockedUntil: Date;
  status?: number;
  body?: unknown;
}

/** What a request that finds its key already taken gets. */
export type Verdict =
  | { kind: 'replay'; status: number; body: unknown }
  | { kind: 'mismatch' }
  | { kind: 'in-flight'; retryAfterSeconds: number }
  | { kind: 'take-over' };

/**
 * The draft's rules: a different payload under the same key is a client error (422); the same payload gets the
 * first answer (replayed) or, while the first attempt runs, a conflict (409). A first attempt that holds the key
 * past its lease crashed or lost its database: the next attempt may take the key over (the store then checks
 * whether the first one's effects were committed before running the command again).
 */
export function verdictFor(stored: StoredKey, fingerprint: string, now: Date): Verdict {
  if (stored.fingerprint !== fingerprint) return { kind: 'mismatch' };
  if (stored.state === 'done') return { kind: 'replay', status: stored.status ?? 200, body: stored.body ?? null };
  const left = stored.lockedUntil.getTime() - now.getTime();
  if (left > 0) return { kind: 'in-flight', retryAfterSeconds: Math.max(1, Math.ceil(left / 1000)) };
  return { kind: 'take-over' };
}

/** Refusals a retry of the same request would meet again: bad input, not allowed, gone, too large, unusable. */
const FINAL_REFUSALS = new Set([400, 403, 410, 413, 415, 422]);

/**
 * Whether an answer is the outcome to replay: a success, or a refusal that does not depend on timing. A 5xx
 * (outage, bug), a 404 (maybe not visible yet), a 409 (a conflict that may clear, e.g. a concurrent writer) and
 * a 429 are not — the key is released and a retry runs the command again.
 */
export function isFinalOutcome(status: number): boolean {
  return (status >= 200 && status < 300) || FINAL_REFUSALS.has(status);
}
