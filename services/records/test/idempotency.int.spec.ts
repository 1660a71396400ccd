import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { openApiOf, sendTwiceWithKey, sendWithKey, undocumentedOperations } from '@uhr/platform/testing';
import { DataSource } from 'typeorm';
import { until, type Party } from '../demo/client.js';
import { enrolParties, observation, startStack, type PartyName, type Stack } from './harness.js';

/** Idempotency-Key on records and consent (ADR 0019), against the real servers: a retried command is stored once. */
let s: Stack;
let p: Record<PartyName, Party>;
beforeAll(async () => {
  s = await startStack();
  p = await enrolParties(s.env, s.recordsDb);
});
afterAll(() => s?.close());

const aBatch = (n: number) => ({
  records: [0, 1, 2].map((i) => ({
    patientId: p.alice.identityId,
    providerId: p.hospital.identityId,
    category: 'laboratory',
    title: `Retried ${n}-${i}`,
    fhir: observation(p.alice, n + i),
  })),
});
const stored = async () => Number((await s.recordsDb.query('select count(*)::int as n from records'))[0].n);

it('a retried bulk upload under one key replays the first 201 and stores its records once', async () => {
  const before = await stored();
  const [first, again] = await sendTwiceWithKey(s.recordsUrl, p.hospital.token, 'POST', '/records/batch', aBatch(10));
  expect(first.status).toBe(201);
  expect(first.body.records).toHaveLength(3);
  expect(again).toEqual({ ...first, replayed: true });
  expect(await stored()).toBe(before + 3);
});

it('the same key with another batch is 422 and stores nothing', async () => {
  const key = 'batch-key-1';
  expect((await sendWithKey(s.recordsUrl, p.hospital.token, 'POST', '/records/batch', aBatch(20), key)).status).toBe(
    201,
  );
  const before = await stored();
  const reused = await sendWithKey(s.recordsUrl, p.hospital.token, 'POST', '/records/batch', aBatch(30), key);
  expect(reused.status).toBe(422);
  expect(reused.body.error).toBe('IdempotencyKeyReused');
  expect(await stored()).toBe(before);
});

it('consent: a retried access request under one key replays the first 201 and stores one request', async () => {
  const consentDb = s.consent.get(DataSource);
  await until(
    'parties known to consent',
    async () =>
      (
        await consentDb.query('select count(*)::int as n from known_identities where id = any($1::uuid[])', [
          [p.bob.identityId, p.insurer.identityId],
        ])
      )[0].n === 2,
    30_000,
  );
  const ask = {
    patientId: p.bob.identityId,
    requesterId: p.insurer.identityId,
    purpose: 'billing',
    recordIds: [],
    categories: ['laboratory'],
  };
  const [first, again] = await sendTwiceWithKey(s.consentUrl, p.insurer.token, 'POST', '/access-requests', ask);
  expect(first.status).toBe(201);
  expect(again).toEqual({ ...first, replayed: true });
  const rows = await consentDb.query('select count(*)::int as n from access_requests where patient_id = $1', [
    p.bob.identityId,
  ]);
  expect(rows[0].n).toBe(1);
});

it('consent documents every operation: a summary, a described success answer and, unless public, its 401', async () => {
  const doc = await openApiOf(s.consentUrl);
  expect(Object.keys(doc.paths)).toEqual(
    expect.arrayContaining(['/grants', '/access-requests', '/break-glass', '/relationships/end', '/health']),
  );
  expect(undocumentedOperations(doc)).toEqual([]);
  // Issuing a grant: 202 relayed, 409 GrantAlreadyExists / RequestNotOpen (or a key in flight), and the rest.
  expect(Object.keys(doc.paths['/grants']!.post!.responses!).sort()).toEqual([
    '202',
    '400',
    '401',
    '403',
    '404',
    '409',
    '422',
    '503',
  ]);
});
