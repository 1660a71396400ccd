import { randomUUID } from 'node:crypto';
import { tokenFor } from '@uhr/platform/testing';
import { aPatient, startRegistrar, type RegistrarUnderTest } from './harness.js';

/** Idempotency-Key (ADR 0019) on the registrar, against the real servers: a retried command stores once. */
let r: RegistrarUnderTest;
beforeAll(async () => {
  r = await startRegistrar();
});
afterAll(async () => {
  await r?.close();
});

async function send(method: string, path: string, body: unknown, key?: string, user = 'registrar-1') {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    authorization: `Bearer ${await tokenFor(user)}`,
  };
  if (key !== undefined) headers['idempotency-key'] = key;
  const res = await fetch(r.url + path, { method, headers, body: JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

/** How many identities were registered at this address (the identifier itself is stored only as a hash). */
const identitiesAt = async (address: string) => {
  const rows: Array<{ n: string }> = await r.ds.query(
    `select count(distinct stream_id)::text as n from uhr_events where type = 'registrar.IdentityRegistered'
       and payload->>'address' = $1`,
    [address],
  );
  return Number(rows[0]!.n);
};

it('a retry with the same key replays the first answer, status and body, and stores nothing twice', async () => {
  const key = `"${randomUUID()}"`;
  const patient = aPatient();
  const first = await send('POST', '/identities', patient, key);
  expect(first.status).toBe(202);
  expect(first.headers.get('idempotent-replayed')).toBeNull();
  const again = await send('POST', '/identities', patient, key);
  expect(again.status).toBe(202);
  expect(again.body).toEqual(first.body);
  expect(again.headers.get('idempotent-replayed')).toBe('true');
  expect(await identitiesAt(patient.address)).toBe(1);
});

it('without a key the same command runs again (and here meets the duplicate refusal)', async () => {
  const patient = aPatient();
  expect((await send('POST', '/identities', patient)).status).toBe(202);
  const second = await send('POST', '/identities', patient);
  expect(second.status).toBe(409);
  expect(second.headers.get('idempotent-replayed')).toBeNull();
});

it('the same key with another payload is 422 IdempotencyKeyReused, and stores nothing', async () => {
  const key = randomUUID();
  expect((await send('POST', '/identities', aPatient(), key)).status).toBe(202);
  const other = aPatient();
  const reused = await send('POST', '/identities', other, key);
  expect(reused.status).toBe(422);
  expect(reused.body.error).toBe('IdempotencyKeyReused');
  expect(await identitiesAt(other.address)).toBe(0);
});

it('ten concurrent sends of one command under one key: one runs, the rest replay it or are told it is in flight', async () => {
  const key = randomUUID();
  const patient = aPatient();
  const answers = await Promise.all(Array.from({ length: 10 }, () => send('POST', '/identities', patient, key)));
  const statuses = answers.map((a) => a.status);
  expect(statuses.every((s) => s === 202 || s === 409)).toBe(true);
  const ran = answers.filter((a) => a.status === 202 && a.headers.get('idempotent-replayed') === null);
  expect(ran).toHaveLength(1);
  for (const a of answers.filter((x) => x.status === 409)) {
    expect(a.body.error).toBe('IdempotencyKeyInFlight');
    expect(Number(a.headers.get('retry-after'))).toBeGreaterThan(0);
  }
  for (const a of answers.filter((x) => x.status === 202)) expect(a.body.id).toBe(ran[0]!.body.id);
  expect(await identitiesAt(patient.address)).toBe(1);
});

it('keys are per caller: another registrar using the same key runs its own command', async () => {
  const key = randomUUID();
  const first = await send('POST', '/identities', aPatient(), key);
  const theirs = await send('POST', '/identities', aPatient(), key, 'registrar-2');
  expect(first.status).toBe(202);
  expect(theirs.status).toBe(202);
  expect(theirs.body.id).not.toBe(first.body.id);
  expect(theirs.headers.get('idempotent-replayed')).toBeNull();
});

it('a refusal a retry would meet again is replayed; a malformed key is a 400 naming the header', async () => {
  const key = randomUUID();
  const bad = { ...aPatient(), kind: 'martian' };
  const first = await send('POST', '/identities', bad, key);
  expect(first.status).toBe(400);
  const again = await send('POST', '/identities', bad, key);
  expect(again.status).toBe(400);
  expect(again.body).toEqual(first.body);
  expect(again.headers.get('idempotent-replayed')).toBe('true');
  const malformed = await send('POST', '/identities', aPatient(), 'has space');
  expect(malformed.status).toBe(400);
  expect(malformed.body.error).toBe('InvalidIdempotencyKey');
});

it('documents the header on every command operation and not on the opted-out query', async () => {
  const doc = (await (await fetch(`${r.url}/docs-json`)).json()) as {
    paths: Record<string, Record<string, { parameters?: Array<{ name: string }> }>>;
  };
  const has = (p: string, m: string) => (doc.paths[p]?.[m]?.parameters ?? []).some((x) => x.name === 'Idempotency-Key');
  expect(has('/identities', 'post')).toBe(true);
  expect(has('/identities/search', 'post')).toBe(false);
  expect(has('/identities/{id}', 'patch')).toBe(true);
  expect(has('/identities/{id}', 'get')).toBe(false);
});
