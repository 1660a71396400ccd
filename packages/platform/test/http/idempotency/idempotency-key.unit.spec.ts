import {
  fingerprintOf,
  isFinalOutcome,
  parseIdempotencyKey,
  verdictFor,
  type StoredKey,
} from '../../../src/http/idempotency/idempotency-key.js';
import { documentIdempotency } from '../../../src/http/idempotency/idempotency-openapi.js';
import type { OpenAPIObject } from '@nestjs/swagger';

const NOW = new Date('2026-12-02T05:00:00Z');
const later = (s: number) => new Date(NOW.getTime() + s * 1000);

describe('parseIdempotencyKey', () => {
  it('takes a Structured Field string or a bare token', () => {
    expect(parseIdempotencyKey('"8e03978e-40d5-43e8-bc93-6894a57f9324"')).toBe('8e03978e-40d5-43e8-bc93-6894a57f9324');
    expect(parseIdempotencyKey('abc_123')).toBe('abc_123');
    expect(parseIdempotencyKey(undefined)).toBeUndefined();
  });

  it.each([[''], ['""'], ['a b'], ['"a"b"'], ['x'.repeat(256)], ['caf\u00e9'], ['a\u0000b']])('refuses %j', (v) =>
    expect(parseIdempotencyKey(v)).toBeInstanceOf(Error),
  );

  it('refuses the header sent twice (an array)', () => {
    expect(parseIdempotencyKey(['a', 'b'])).toBeInstanceOf(Error);
  });
});

describe('fingerprintOf', () => {
  const req = { method: 'POST', url: '/identities', body: { name: 'Ada', dob: '1815-12-10' } };

  it('is a fixed SHA-256 of method, path and payload', () => {
    expect(fingerprintOf(req)).toBe('114debc41dff903587dfdde35ebd15cf6fec1c8b1afb104d23a2a40053a35537');
  });

  it('differs when the payload, path or method differs', () => {
    const base = fingerprintOf(req);
    expect(fingerprintOf({ ...req, body: { name: 'Ada', dob: '1815-12-11' } })).not.toBe(base);
    expect(fingerprintOf({ ...req, url: '/identities?x=1' })).not.toBe(base);
    expect(fingerprintOf({ ...req, method: 'PUT' })).not.toBe(base);
    expect(fingerprintOf({ ...req, method: 'post' })).toBe(base);
  });

  it('tells an empty body from none', () => {
    expect(fingerprintOf({ method: 'POST', url: '/x', body: {} })).not.toBe(
      fingerprintOf({ method: 'POST', url: '/x', body: undefined }),
    );
  });
});

describe('verdictFor', () => {
  const fp = 'f'.repeat(64);
  const done: StoredKey = { fingerprint: fp, state: 'done', lockedUntil: NOW, status: 202, body: { id: 'x' } };
  const running: StoredKey = { fingerprint: fp, state: 'in_flight', lockedUntil: later(12.2) };

  it('replays the stored answer, status and body', () => {
    expect(verdictFor(done, fp, NOW)).toEqual({ kind: 'replay', status: 202, body: { id: 'x' } });
  });

  it('refuses another payload under the same key, whatever the state', () => {
    expect(verdictFor(done, 'e'.repeat(64), NOW)).toEqual({ kind: 'mismatch' });
    expect(verdictFor(running, 'e'.repeat(64), NOW)).toEqual({ kind: 'mismatch' });
  });

  it('is a conflict while the first attempt holds its lease, with the seconds left', () => {
    expect(verdictFor(running, fp, NOW)).toEqual({ kind: 'in-flight', retryAfterSeconds: 13 });
  });

  it('lets a retry take over once the lease has run out', () => {
    expect(verdictFor(running, fp, later(12.2))).toEqual({ kind: 'take-over' });
    expect(verdictFor(running, fp, later(100))).toEqual({ kind: 'take-over' });
  });
});

describe('isFinalOutcome', () => {
  it.each([200, 201, 202, 204, 400, 403, 410, 422])('%i is stored and replayed', (s) =>
    expect(isFinalOutcome(s)).toBe(true),
  );
  it.each([404, 408, 409, 429, 500, 502, 503])('%i frees the key for a retry', (s) =>
    expect(isFinalOutcome(s)).toBe(false),
  );
});

describe('documentIdempotency', () => {
  const doc = () =>
    ({
      openapi: '3.0.0',
      info: { title: 't', version: '1' },
      paths: {
        '/a': { post: { responses: { '201': { description: 'ok' } } }, get: { responses: {} } },
        '/b': { post: { 'x-uhr-no-idempotency-key': 'plaintext', responses: {} } },
        '/c/{id}': { delete: { responses: { '409': { description: 'mine' } } } },
      },
    }) as unknown as OpenAPIObject;

  it('adds the header to commands only, keeping an operation opted out and its own descriptions', () => {
    const out = documentIdempotency(doc()).paths as Record<string, Record<string, Record<string, unknown>>>;
    expect((out['/a']!.post!.parameters as Array<{ name: string }>).map((p) => p.name)).toEqual(['Idempotency-Key']);
    expect(out['/a']!.get!.parameters).toBeUndefined();
    expect(out['/b']!.post!.parameters).toBeUndefined();
    const del = out['/c/{id}']!.delete!.responses as Record<string, { description: string }>;
    expect(del['409']!.description).toBe('mine');
    expect(del['422']!.description).toMatch(/IdempotencyKeyReused/);
  });
});
