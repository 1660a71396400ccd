import { randomUUID } from 'node:crypto';

/** One answer, with whether it was the stored answer of a first attempt (`Idempotent-Replayed`). */
export interface KeyedAnswer {
  status: number;
  body: any;
  replayed: boolean;
  retryAfter: string | null;
}

/** Sends a command with an `Idempotency-Key` (a fresh one unless given), as a client retrying would. */
export async function sendWithKey(
  url: string,
  token: string,
  method: string,
  path: string,
  body: unknown,
  key: string = randomUUID(),
): Promise<KeyedAnswer> {
  const res = await fetch(url + path, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'idempotency-key': key },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return {
    status: res.status,
    body: text ? JSON.parse(text) : undefined,
    replayed: res.headers.get('idempotent-replayed') === 'true',
    retryAfter: res.headers.get('retry-after'),
  };
}

/**
 * Sends one command twice under one key, as a client whose first answer was lost: the second must be the
 * first's answer replayed, status and body. Returns both for the test's own "stored once" check.
 */
export async function sendTwiceWithKey(
  url: string,
  token: string,
  method: string,
  path: string,
  body: unknown,
): Promise<[KeyedAnswer, KeyedAnswer]> {
  const key = randomUUID();
  const first = await sendWithKey(url, token, method, path, body, key);
  const again = await sendWithKey(url, token, method, path, body, key);
  return [first, again];
}
