// "Restart of any service mid-flow loses nothing": each service is stopped right after it accepted a command
// (202) and before the chain settled it, then started again on the same database. The work completes once —
// one chain job, one settlement event — and the flow carries on.
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { addRecord, answerRecord, call, issueGrant, signTyped, signedRead, until, type Party } from '../demo/client.js';
import { enrolParties, startStack, type PartyName, type Stack } from './harness.js';

let s: Stack;
let p: Record<PartyName, Party>;
const rec = (token: string, method: string, path: string, body?: unknown) =>
  call(s.recordsUrl, token, method, path, body);
const con = (token: string, method: string, path: string, body?: unknown) =>
  call(s.consentUrl, token, method, path, body);

beforeAll(async () => {
  s = await startStack();
  p = await enrolParties(s.env, s.recordsDb);
  for (const party of [p.alice, p.hospital, p.pharmacy]) {
    await until(`${party.username} known`, async () => {
      const inRecords = (await s.recordsDb.query('select 1 from known_identities where id = $1', [
        party.identityId,
      ])) as unknown[];
      const inConsent = (await s.consent
        .get(DataSource)
        .query('select 1 from known_identities where id = $1', [party.identityId])) as unknown[];
      return inRecords.length === 1 && inConsent.length === 1;
    });
  }
}, 90_000);

afterAll(async () => {
  await s?.close();
});

async function settledOnce(db: DataSource, type: string, aggregateId: string) {
  const rows: Array<{ n: string }> = await db.query(
    'select count(*)::text as n from uhr_events where stream_id = $1 and type = $2',
    [aggregateId, type],
  );
  return Number(rows[0]!.n);
}

it('records restarted after accepting an anchor and a response: each reaches the chain once', async () => {
  const up = await rec(p.hospital.token, 'POST', '/records', {
    patientId: p.alice.identityId,
    providerId: p.hospital.identityId,
    category: 'laboratory',
    title: 'Lipid panel',
    fhir: {
      resourceType: 'Observation',
      status: 'final',
      code: { text: 'LDL' },
      subject: { reference: `Patient/${p.alice.identityId}` },
    },
  });
  expect(up.status).toBe(201);
  const { record, toSign } = up.body;
  const anchor = await rec(p.hospital.token, 'POST', `/records/${record.id}/anchor`, {
    nonce: toSign.message.nonce,
    deadline: toSign.message.deadline,
    signature: await signTyped(p.hospital.wallet, toSign),
  });
  expect(anchor.status).toBe(202);
  await s.restart('records');
  await until(
    'record anchored after restart',
    async () => (await rec(p.hospital.token, 'GET', `/records/${record.id}`)).body.status === 'pending',
  );
  expect(await settledOnce(s.recordsDb, 'records.RecordAdded', record.id)).toBe(1);

  const t = (await rec(p.alice.token, 'GET', `/records/${record.id}/response-request?accept=true`)).body;
  const answered = await rec(p.alice.token, 'POST', `/records/${record.id}/response`, {
    accept: true,
    nonce: t.message.nonce,
    deadline: t.message.deadline,
    signature: await signTyped(p.alice.wallet, t),
  });
  expect(answered.status).toBe(202);
  await s.restart('records');
  await until(
    'record accepted after restart',
    async () => (await rec(p.alice.token, 'GET', `/records/${record.id}`)).body.status === 'accepted',
  );
  expect(await settledOnce(s.recordsDb, 'records.RecordAccepted', record.id)).toBe(1);
  // Each of the two leaves went on-chain in one batch, sent once: one confirmed job per root.
  const [row] = await s.recordsDb.query('select anchor_root, response_root from records where id = $1', [record.id]);
  const jobs: Array<{ root: string; status: string }> = await s.recordsDb.query(
    `select request->>'root' as root, status from uhr_chain_tx where kind = 'records.batch'
      and request->>'root' = any($1::text[])`,
    [[row.anchor_root, row.response_root]],
  );
  expect(jobs.map((j) => `${j.root}:${j.status}`).sort()).toEqual(
    [`${row.anchor_root}:confirmed`, `${row.response_root}:confirmed`].sort(),
  );

  // consent restarted right after accepting a grant: the grant still becomes active, once; the read works.
  const now = Math.floor(Date.now() / 1000);
  const terms = {
    patientId: p.alice.identityId,
    granteeId: p.pharmacy.identityId,
    recordIds: [record.id],
    categories: [],
    purpose: 'dispensing',
    validFrom: now - 5,
    validUntil: now + 3600,
    maxUses: 1,
  };
  const prep = await con(p.alice.token, 'POST', '/grants/prepare', terms);
  expect(prep.status).toBe(200);
  const issued = await con(p.alice.token, 'POST', '/grants', {
    ...terms,
    grantId: prep.body.grantId,
    nonce: prep.body.nonce,
    deadline: prep.body.deadline,
    signature: await signTyped(p.alice.wallet, prep.body.toSign),
  });
  expect(issued.status).toBe(202);
  await s.restart('consent');
  await until(
    'grant active after restart',
    async () => (await con(p.alice.token, 'GET', `/grants/${prep.body.grantId}`)).body.status === 'active',
  );
  expect(await settledOnce(s.consent.get(DataSource), 'consent.GrantIssued', prep.body.grantId)).toBe(1);

  const first = await rec(
    p.pharmacy.token,
    'POST',
    `/records/${record.id}/read`,
    await signedRead(p.pharmacy.wallet, s.gatekeeperDomain, record.id, 'dispensing'),
  );
  expect(first.status).toBe(200);
  const second = await rec(
    p.pharmacy.token,
    'POST',
    `/records/${record.id}/read`,
    await signedRead(p.pharmacy.wallet, s.gatekeeperDomain, record.id, 'dispensing'),
  );
  expect(second.status).toBe(403);
}, 180_000);

/** anvil's own switches: mining paused holds a transaction between broadcast and receipt. */
async function chainRpc(method: string, params: unknown[] = []) {
  const res = await fetch(s.env.UHR_CHAIN_RPC_URL!, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  return ((await res.json()) as { result: unknown }).result;
}

it('a one-time read cut off by a restart: the use is spent once, audited, and the same request is then served', async () => {
  const recordId = (
    await addRecord(s.recordsUrl, s.gatekeeperDomain, p.hospital, p.alice, {
      resourceType: 'Observation',
      status: 'final',
      code: { text: 'HbA1c' },
      subject: { reference: `Patient/${p.alice.identityId}` },
    })
  ).id as string;
  await answerRecord(s.recordsUrl, p.alice, recordId);
  const grant = await issueGrant(s.consentUrl, p.alice, p.pharmacy, {
    recordIds: [recordId],
    purpose: 'dispensing',
    maxUses: 1,
  });
  // The longest expiry the gatekeeper takes (300 s): the same request is sent again after a restart and a settle
  // that can take over a minute on a loaded box, and it must still be the very same signed request.
  const signed = await signedRead(p.pharmacy.wallet, s.gatekeeperDomain, recordId, 'dispensing', {
    grantId: grant.chainId,
    expiry: Math.floor(Date.now() / 1000) + 290,
  });
  const uses = () =>
    s.recordsDb.query(
      `select u.outcome, u.audit_id, t.status from grant_uses u join uhr_chain_tx t on t.job_key = u.job_key
        where u.record_id = $1`,
      [recordId],
    ) as Promise<Array<{ outcome: string | null; audit_id: string | null; status: string }>>;

  await chainRpc('evm_setAutomine', [false]);
  let first: Promise<{ status: number }>;
  try {
    first = rec(p.pharmacy.token, 'POST', `/records/${recordId}/read`, signed).catch(() => ({ status: 0 }));
    await until('the use broadcast, not mined', async () => (await uses())[0]?.status === 'submitted');
    await s.restart('records');
  } finally {
    await chainRpc('evm_setAutomine', [true]);
    await chainRpc('evm_mine');
  }
  expect((await first).status).not.toBe(200); // the reader got nothing the first time
  await until('the use settled with its audit entry', async () => (await uses())[0]?.outcome === 'allowed', 60_000);
  const [use] = await uses();
  expect(use).toMatchObject({ outcome: 'allowed', status: 'confirmed' });
  const [entry] = await s.recordsDb.query('select outcome, reader_subject from audit_entries where id = $1', [
    use!.audit_id,
  ]);
  expect(entry).toEqual({ outcome: 'allowed', reader_subject: p.pharmacy.subject });

  // The same signed request again: served the use it paid for, no second use spent.
  const again = await rec(p.pharmacy.token, 'POST', `/records/${recordId}/read`, signed);
  expect([again.status, again.body.resource?.code]).toEqual([200, { text: 'HbA1c' }]);
  expect(await uses()).toHaveLength(1);
  const fresh = await signedRead(p.pharmacy.wallet, s.gatekeeperDomain, recordId, 'dispensing', {
    grantId: grant.chainId,
  });
  const exhausted = await rec(p.pharmacy.token, 'POST', `/records/${recordId}/read`, fresh);
  expect([exhausted.status, exhausted.body.error]).toEqual([403, 'GrantExhausted']);
  const log = await s.recordsDb.query(
    `select outcome, reason from audit_entries where record_id = $1 and reader_subject = $2 order by position`,
    [recordId, p.pharmacy.subject],
  );
  // The first request, still waiting when the service went down, may have been answered "not confirmed yet"
  // (and audited so) before the use settled; the use itself is logged once, allowed, with the chain's answer.
  const waited = log.filter((e: { reason: string | null }) => e.reason === 'ChainUnavailable');
  expect(waited.length).toBeLessThanOrEqual(1);
  expect(log.filter((e: { reason: string | null }) => e.reason !== 'ChainUnavailable')).toEqual([
    { outcome: 'allowed', reason: null },
    { outcome: 'allowed', reason: 'UseRedelivered' },
    { outcome: 'denied', reason: 'GrantExhausted' },
  ]);
}, 180_000);
