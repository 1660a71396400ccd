import { randomBytes, randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { dropTestDatabase } from '../../../src/testing/index.ts';
import { migrate, openDataSource, platformMigrations } from '../../../src/persistence/database.js';
import { EventStore } from '../../../src/persistence/event-store.js';
import { IdempotencyStore, type KeyScope } from '../../../src/http/idempotency/idempotency-store.js';

// A database of its own on the stack's PostgreSQL: the key rows, and the event store a take-over consults.
const pgUrl = process.env.UHR_PG_URL;
if (!pgUrl) throw new Error('UHR_PG_URL is not set: run integration tests through npm test (it sources .uhr/env)');

let ds: DataSource;
const database = `uhr_test_idem_${randomBytes(4).toString('hex')}`;
beforeAll(async () => {
  ds = await openDataSource({ pgUrl, database });
  await migrate(ds, platformMigrations);
});
afterAll(async () => {
  await ds?.destroy();
  await dropTestDatabase(database);
});

const scope = (): KeyScope => ({ principal: 'sub-1', endpoint: 'POST Things.create', key: randomUUID() });
const FP = 'a'.repeat(64);
const inSeconds = (s: number) => new Date(Date.now() + s * 1000);

it('the first attempt claims; the same request meanwhile is in flight; once answered it is replayed', async () => {
  const store = new IdempotencyStore(ds);
  const k = scope();
  expect(await store.claim(k, FP, 'c1')).toEqual({ kind: 'claimed' });
  expect(await store.claim(k, FP, 'c2')).toMatchObject({ kind: 'in-flight' });
  expect(await store.claim(k, 'b'.repeat(64), 'c2')).toEqual({ kind: 'mismatch' });
  await store.finish(k, 'c1', 202, { id: 'x' });
  expect(await store.claim(k, FP, 'c3')).toEqual({ kind: 'replay', status: 202, body: { id: 'x' } });
});

it('after a crash that committed nothing, a retry takes the key over; the old holder can no longer answer', async () => {
  const store = new IdempotencyStore(ds, 0);
  const k = scope();
  await store.claim(k, FP, 'old');
  expect(await store.claim(k, FP, 'new')).toEqual({ kind: 'claimed' });
  await store.finish(k, 'old', 201, { from: 'old' });
  await store.finish(k, 'new', 201, { from: 'new' });
  expect(await store.claim(k, FP, 'later', inSeconds(1))).toEqual({
    kind: 'replay',
    status: 201,
    body: { from: 'new' },
  });
});

it('after a crash that committed its events, nothing runs again: the retry learns what was stored', async () => {
  const store = new IdempotencyStore(ds, 0);
  const k = scope();
  const correlationId = randomUUID();
  await store.claim(k, FP, correlationId);
  const stream = randomUUID();
  await new EventStore(ds).append(
    ds.manager,
    stream,
    0,
    [{ type: 'test.Done', version: 1, payload: {} }],
    { actor: 'sub-1', correlationId, occurredAt: new Date() },
    'uhr.test.v1',
  );
  const retry = await store.claim(k, FP, randomUUID(), inSeconds(1));
  expect(retry).toMatchObject({
    kind: 'replay',
    status: 409,
    body: { error: 'FirstAttemptCommitted', details: { correlationId, streams: [stream] } },
  });
  expect(await store.claim(k, FP, randomUUID(), inSeconds(2))).toEqual(retry);
});

it('a released key is taken over at once; two retries racing for it: one claims', async () => {
  const store = new IdempotencyStore(ds);
  const k = scope();
  await store.claim(k, FP, 'first');
  await store.release(k, 'first');
  const [a, b] = await Promise.all([
    store.claim(k, FP, 'r1', inSeconds(0.1)),
    store.claim(k, FP, 'r2', inSeconds(0.1)),
  ]);
  expect([a.kind, b.kind].sort()).toEqual(['claimed', 'in-flight']);
});

it('sweeps keys past their expiry only', async () => {
  const store = new IdempotencyStore(ds);
  const k = scope();
  await store.claim(k, FP, 'c');
  expect(await store.sweep(inSeconds(60))).toBeGreaterThanOrEqual(0);
  expect(await store.claim(k, FP, 'd')).toMatchObject({ kind: 'in-flight' });
  expect(await store.sweep(inSeconds(25 * 3600))).toBeGreaterThanOrEqual(1);
  expect(await store.claim(k, FP, 'e')).toEqual({ kind: 'claimed' });
});
