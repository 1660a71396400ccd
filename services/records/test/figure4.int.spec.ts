// Figure 4 of the paper, end to end against real servers: a hospital adds a record, the patient accepts it,
// shares it once with a pharmacy, the pharmacy reads it once and is refused the second time — and every
// attempt to get around the gatekeeper is denied and audited.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { tokenFor } from '@uhr/platform/testing';
import { consentAt } from '@uhr/contracts';
import { parseBlobRef, readDeployment } from '@uhr/platform';
import { Wallet } from 'ethers';
import { Client } from 'minio';
import { DataSource } from 'typeorm';
import { GrantIndex } from '../src/gatekeeper/grant-index.js';
import { call, signedRead, signTyped, until, type Party } from '../demo/client.js';
import { enrolParties, startStack, type PartyName, type Stack } from './harness.js';

let s: Stack;
let p: Record<PartyName, Party>;

const rec = (token: string, method: string, path: string, body?: unknown) =>
  call(s.recordsUrl, token, method, path, body);
const con = (token: string, method: string, path: string, body?: unknown) =>
  call(s.consentUrl, token, method, path, body);

/** A plain S3 client past the records service: the operator, or an intruder, reading and editing stored bytes. */
function rawS3(): Client {
  const url = new URL(s.env.UHR_S3_ENDPOINT!);
  return new Client({
    endPoint: url.hostname,
    port: Number(url.port),
    useSSL: false,
    accessKey: s.env.UHR_S3_ACCESS_KEY!,
    secretKey: s.env.UHR_S3_SECRET_KEY!,
  });
}

/** The S3 object a record's blob lives in, and where its bytes are in it (a whole object, or a pack's frame). */
async function storedBytesOf(recordId: string) {
  const [row] = await s.recordsDb.query('select blob_key from records where id = $1', [recordId]);
  const { objectKey, range } = parseBlobRef(row.blob_key);
  const chunks: Buffer[] = [];
  for await (const c of await rawS3().getObject('uhr-records-test', objectKey)) chunks.push(c as Buffer);
  const object = Buffer.concat(chunks);
  return { objectKey, object, frame: range ? object.subarray(range.offset, range.offset + range.length) : object };
}

/** Flips the last byte of a record's stored frame, directly in S3. */
async function tamperWith(recordId: string) {
  const { objectKey, object, frame } = await storedBytesOf(recordId);
  const last = frame.length - 1;
  frame[last] = frame[last]! ^ 0x01; // frame is a view into object
  await rawS3().putObject('uhr-records-test', objectKey, object);
}

/** The hospital's lab report for a patient, anchored on-chain (status `pending`). */
async function addLabReport(patient: Party, author: Party = p.hospital, category = 'laboratory') {
  const up = await rec(author.token, 'POST', '/records', {
    patientId: patient.identityId,
    providerId: author.identityId,
    category,
    title: 'Full blood count',
    fhir: {
      resourceType: 'Observation',
      status: 'final',
      code: { coding: [{ system: 'http://loinc.org', code: '58410-2', display: 'CBC panel' }] },
      subject: { reference: `Patient/${patient.identityId}` },
      valueQuantity: { value: 13.2, unit: 'g/dL' },
    },
  });
  expect(up.status).toBe(201);
  const { record, toSign } = up.body;
  const anchored = await rec(author.token, 'POST', `/records/${record.id}/anchor`, {
    nonce: toSign.message.nonce,
    deadline: toSign.message.deadline,
    signature: await signTyped(author.wallet, toSign),
  });
  expect(anchored.status).toBe(202);
  await until(
    'record anchored',
    async () => (await rec(author.token, 'GET', `/records/${record.id}`)).body.status === 'pending',
  );
  return record.id as string;
}

async function accept(patient: Party, recordId: string, accept = true) {
  const t = await rec(patient.token, 'GET', `/records/${recordId}/response-request?accept=${accept}`);
  expect(t.status).toBe(200);
  const r = await rec(patient.token, 'POST', `/records/${recordId}/response`, {
    accept,
    nonce: t.body.message.nonce,
    deadline: t.body.message.deadline,
    signature: await signTyped(patient.wallet, t.body),
  });
  expect(r.status).toBe(202);
  const want = accept ? 'accepted' : 'rejected';
  await until(
    `record ${want}`,
    async () => (await rec(patient.token, 'GET', `/records/${recordId}`)).body.status === want,
  );
}

async function grant(
  patient: Party,
  grantee: Party,
  terms: { recordIds?: string[]; categories?: string[]; purpose?: string; maxUses?: number; seconds?: number },
) {
  const now = Math.floor(Date.now() / 1000);
  const body = {
    patientId: patient.identityId,
    granteeId: grantee.identityId,
    recordIds: terms.recordIds ?? [],
    categories: terms.categories ?? [],
    purpose: terms.purpose ?? 'dispensing',
    validFrom: now - 5,
    validUntil: now + (terms.seconds ?? 3600),
    maxUses: terms.maxUses ?? 0,
  };
  const prep = await con(patient.token, 'POST', '/grants/prepare', body);
  expect(prep.status).toBe(200);
  const res = await con(patient.token, 'POST', '/grants', {
    ...body,
    grantId: prep.body.grantId,
    nonce: prep.body.nonce,
    deadline: prep.body.deadline,
    signature: await signTyped(patient.wallet, prep.body.toSign),
  });
  expect(res.status).toBe(202);
  const g = await until('grant active', async () => {
    const got = await con(patient.token, 'GET', `/grants/${prep.body.grantId}`);
    if (got.body.status === 'rejected') throw new Error(`grant rejected: ${got.body.chain.error}`);
    return got.body.status === 'active' ? got.body : undefined;
  });
  return g as { id: string; chainId: string };
}

async function read(
  reader: Party,
  recordId: string,
  purpose: string,
  opts: Parameters<typeof signedRead>[4] = {},
  token = reader.token,
) {
  return rec(
    token,
    'POST',
    `/records/${recordId}/read`,
    await signedRead(reader.wallet, s.gatekeeperDomain, recordId, purpose, opts),
  );
}

async function outboxTypes(type: string): Promise<Array<{ payload: Record<string, unknown>; published: boolean }>> {
  const rows: Array<{ message: { type: string; payload: Record<string, unknown> }; published_at: Date | null }> =
    await s.recordsDb.query(`select message, published_at from uhr_outbox where message->>'type' = $1`, [type]);
  return rows.map((r) => ({ payload: r.message.payload, published: r.published_at !== null }));
}

beforeAll(async () => {
  s = await startStack();
  p = await enrolParties(s.env, s.recordsDb);
  // The projections learn the identities from the registrar's Kafka topic.
  for (const party of Object.values(p)) {
    await until(
      `${party.username} known to records`,
      async () =>
        ((await s.recordsDb.query('select 1 from known_identities where id = $1', [party.identityId])) as unknown[])
          .length === 1,
    );
  }
  const consentDb = s.consent.get(DataSource);
  for (const party of Object.values(p)) {
    await until(
      `${party.username} known to consent`,
      async () =>
        ((await consentDb.query('select 1 from known_identities where id = $1', [party.identityId])) as unknown[])
          .length === 1,
    );
  }
}, 90_000);

afterAll(async () => {
  await s?.close();
});

describe('Figure 4: upload → accept → one-time share → read once', () => {
  let recordId: string;
  let grantId: string;
  let grantChainId: string;

  it('the hospital adds a lab report: encrypted in S3, anchored via Relationships, the patient is told', async () => {
    recordId = await addLabReport(p.alice);
    const added = await outboxTypes('records.RecordAdded');
    expect(added.some((e) => e.payload.recordId === recordId && e.payload.patientSubject === p.alice.subject)).toBe(
      true,
    );
    // S3 holds only ciphertext.
    expect((await storedBytesOf(recordId)).object.toString('latin1')).not.toContain('58410-2');
  });

  it('until accepted, only the author and the patient may see it', async () => {
    expect((await rec(p.bob.token, 'GET', `/records/${recordId}`)).status).toBe(403);
    expect((await read(p.alice, recordId, 'self-care')).status).toBe(200);
    expect((await read(p.hospital, recordId, 'treatment')).status).toBe(200);
  });

  it('the patient accepts with a signature; grants one-time access to the pharmacy', async () => {
    await accept(p.alice, recordId);
    const g = await grant(p.alice, p.pharmacy, { recordIds: [recordId], purpose: 'dispensing', maxUses: 1 });
    grantId = g.id;
    grantChainId = g.chainId;
    const fhir = await con(p.alice.token, 'GET', `/grants/${grantId}/fhir`);
    expect(fhir.body).toMatchObject({
      resourceType: 'Consent',
      status: 'active',
      patient: { reference: `Patient/${p.alice.identityId}` },
    });
  });

  it('the pharmacy reads it once (hash verified, decrypted) and is refused the second time', async () => {
    // The decision comes from the event-fed grant index (fresh, and it already holds the grant).
    const index = s.records.get(GrantIndex);
    await until('grant indexed', async () => index.fresh && index.get(grantChainId) !== undefined, 2000);
    const first = await read(p.pharmacy, recordId, 'dispensing');
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      basis: 'grant',
      resource: { resourceType: 'Observation', valueQuantity: { value: 13.2 } },
    });
    const second = await read(p.pharmacy, recordId, 'dispensing');
    expect(second.status).toBe(403);
    expect(second.body.error).toMatch(/NoActiveGrant|GrantExhausted/);
    const named = await read(p.pharmacy, recordId, 'dispensing', {
      grantId: (await con(p.alice.token, 'GET', `/grants/${grantId}`)).body.chainId,
    });
    expect(named.body.error).toBe('GrantExhausted');
  });

  it('the patient lists every access, allowed and denied, as FHIR AuditEvents, published and Merkle-anchored', async () => {
    const log = await rec(p.alice.token, 'GET', '/access-log');
    expect(log.status).toBe(200);
    const mine = log.body.filter((e: { recordId: string }) => e.recordId === recordId);
    expect(mine.filter((e: { outcome: string }) => e.outcome === 'allowed').length).toBeGreaterThanOrEqual(3);
    expect(mine.filter((e: { outcome: string }) => e.outcome === 'denied').length).toBeGreaterThanOrEqual(2);
    expect(mine[0].auditEvent).toMatchObject({ resourceType: 'AuditEvent', action: 'R' });
    await until('access events published', async () => {
      const reads = await outboxTypes('records.RecordRead');
      return reads.some(
        (e) => e.payload.recordId === recordId && e.payload.readerSubject === p.pharmacy.subject && e.published,
      );
    });
    const entry = mine[mine.length - 1];
    const proof = await until('audit entry anchored', async () => {
      const r = await rec(p.alice.token, 'GET', `/access-log/${entry.id}/proof`);
      return r.status === 200 && r.body.verifiedOnChain ? r.body : undefined;
    });
    expect(proof.verifiedOnChain).toBe(true);
    // Bob may not read Alice's log entries.
    expect((await rec(p.bob.token, 'GET', `/access-log/${entry.id}/proof`)).status).toBe(403);
  });

  it('the patient reports a concern about the pharmacy’s read: one per access, only hers, seen by the auditors', async () => {
    const log = (await rec(p.alice.token, 'GET', '/access-log')).body as Array<Record<string, any>>;
    const pharmacyRead = log.find((e) => e.recordId === recordId && e.readerSubject === p.pharmacy.subject)!;
    const ownRead = log.find((e) => e.recordId === recordId && e.readerSubject === p.alice.subject)!;
    expect(pharmacyRead.auditEvent.agent[0]).toMatchObject({
      who: { display: 'pharmacist-1' },
      role: [{ coding: [{ code: 'pharmacist' }], text: 'Pharmacist' }],
    });
    expect(pharmacyRead.concern).toBeNull();
    const path = `/access-log/${pharmacyRead.id}/concern`;

    const raised = await rec(p.alice.token, 'POST', path, { message: ' I did not fill a prescription there. ' });
    expect(raised.status).toBe(201);
    expect(raised.body).toMatchObject({
      created: true,
      concern: { auditId: pharmacyRead.id, recordId, message: 'I did not fill a prescription there.' },
    });
    const again = await rec(p.alice.token, 'POST', path, { message: 'another click' });
    expect({ status: again.status, body: again.body }).toEqual({
      status: 200,
      body: { created: false, concern: raised.body.concern },
    });

    const refusals = await Promise.all([
      rec(p.bob.token, 'POST', path, {}),
      rec(p.pharmacy.token, 'POST', path, {}),
      rec(p.alice.token, 'POST', `/access-log/${ownRead.id}/concern`, {}),
      rec(p.alice.token, 'POST', `/access-log/${randomUUID()}/concern`, {}),
      rec(p.alice.token, 'POST', '/access-log/not-a-uuid/concern', {}),
      rec(p.alice.token, 'POST', path, { message: 'x'.repeat(2001) }),
      rec(p.alice.token, 'POST', path, { message: 42 }),
    ]);
    expect(refusals.map((r) => [r.status, r.body.error])).toEqual([
      [403, 'NotThePatient'],
      [403, 'NotThePatient'],
      [422, 'OwnAccess'],
      [404, 'AuditEntryNotFound'],
      [400, expect.any(String)],
      [400, 'ValidationFailed'],
      [400, 'ValidationFailed'],
    ]);

    const seen = (await rec(p.alice.token, 'GET', '/access-log')).body.find(
      (e: { id: string }) => e.id === pharmacyRead.id,
    );
    expect(seen.concern).toEqual({ raisedAt: raised.body.concern.raisedAt, message: raised.body.concern.message });
    const auditor = await tokenFor('auditor-1');
    const concerns = await rec(auditor, 'GET', '/access-concerns');
    expect(concerns.status).toBe(200);
    expect(concerns.body.filter((c: { auditId: string }) => c.auditId === pharmacyRead.id)).toEqual([
      raised.body.concern,
    ]);
    expect((await rec(p.alice.token, 'GET', '/access-concerns')).status).toBe(403);
    expect((await outboxTypes('records.AccessConcernRaised')).map((e) => e.payload)).toContainEqual(
      raised.body.concern,
    );
    const [{ n }] = await s.recordsDb.query('select count(*)::int as n from access_concerns where audit_id = $1', [
      pharmacyRead.id,
    ]);
    expect(n).toBe(1);
  });
});

describe('the gatekeeper refuses, and audits, every way around it', () => {
  let recordId: string;
  let bobRecord: string;

  beforeAll(async () => {
    recordId = await addLabReport(p.alice);
    await accept(p.alice, recordId);
    bobRecord = await addLabReport(p.bob);
  }, 60_000);

  const denied = async (
    res: { status: number; body: { error: string; details?: { auditId?: string } } },
    error: string,
    status = 403,
  ) => {
    expect({ status: res.status, error: res.body.error }).toEqual({ status, error });
    const auditId = res.body.details?.auditId;
    expect(auditId).toBeDefined();
    const [row] = await s.recordsDb.query('select outcome, reason from audit_entries where id = $1', [auditId]);
    expect(row).toMatchObject({ outcome: 'denied', reason: error });
  };

  it('BOLA: patient B with own key on patient A’s record', async () =>
    denied(await read(p.bob, recordId, 'self-care'), 'NoActiveGrant'));
  it('BOLA: patient A’s token with patient B’s key', async () =>
    denied(await read(p.bob, recordId, 'self-care', {}, p.alice.token), 'SignerNotBoundToLogin'));
  it('BOLA: patient B’s token with patient A’s key', async () =>
    denied(await read(p.alice, bobRecord, 'self-care', {}, p.bob.token), 'SignerNotBoundToLogin'));
  it('BOLA: provider without relationship', async () =>
    denied(await read(p.clinic, recordId, 'treatment'), 'NoActiveGrant'));
  it('BOLA: third party without grant', async () =>
    denied(await read(p.insurer, recordId, 'billing'), 'NoActiveGrant'));
  it('BOLA: metadata and response endpoints', async () => {
    expect((await rec(p.bob.token, 'GET', `/records/${recordId}`)).status).toBe(403);
    expect((await rec(p.bob.token, 'GET', `/records/${recordId}/response-request?accept=true`)).status).toBe(403);
    expect((await rec(p.bob.token, 'GET', `/records/${recordId}/access-log`)).status).toBe(403);
  });

  it('forged signature (an unregistered key)', async () => {
    const forged = await signedRead(Wallet.createRandom() as never, s.gatekeeperDomain, recordId, 'self-care');
    await denied(await rec(p.alice.token, 'POST', `/records/${recordId}/read`, forged), 'InvalidSignature');
    const tampered = await signedRead(p.alice.wallet, s.gatekeeperDomain, recordId, 'self-care');
    await denied(
      await rec(p.alice.token, 'POST', `/records/${recordId}/read`, {
        ...tampered,
        request: { ...tampered.request, purpose: 'research' },
      }),
      'InvalidSignature',
    );
  });

  it('replayed nonce', async () => {
    const req = await signedRead(p.alice.wallet, s.gatekeeperDomain, recordId, 'self-care');
    expect((await rec(p.alice.token, 'POST', `/records/${recordId}/read`, req)).status).toBe(200);
    await denied(await rec(p.alice.token, 'POST', `/records/${recordId}/read`, req), 'NonceReplayed');
  });

  it('expired request, and one valid for too long', async () => {
    await denied(
      await read(p.alice, recordId, 'self-care', { expiry: Math.floor(Date.now() / 1000) - 1 }),
      'RequestExpired',
    );
    await denied(
      await read(p.alice, recordId, 'self-care', { expiry: Math.floor(Date.now() / 1000) + 86_400 }),
      'RequestTooLong',
    );
  });

  it('a request signed for another record', async () => {
    const other = await signedRead(p.alice.wallet, s.gatekeeperDomain, bobRecord, 'self-care');
    await denied(await rec(p.alice.token, 'POST', `/records/${recordId}/read`, other), 'RequestMismatch');
  });

  it('wrong role', async () => {
    for (const user of ['registrar-1', 'norole-1']) {
      const res = await rec(
        await tokenFor(user),
        'POST',
        `/records/${recordId}/read`,
        await signedRead(p.alice.wallet, s.gatekeeperDomain, recordId, 'treatment'),
      );
      await denied(res, 'WrongRole');
    }
  });

  it('a grant for another purpose', async () => {
    const g = await grant(p.alice, p.insurer, { categories: ['laboratory'], purpose: 'billing' });
    await denied(await read(p.insurer, recordId, 'research', { grantId: g.chainId }), 'PurposeMismatch');
    expect((await read(p.insurer, recordId, 'billing', { grantId: g.chainId })).status).toBe(200);
  });

  it('revoked grant: refused by the gatekeeper as soon as the revocation is mined', async () => {
    const g = await grant(p.alice, p.clinic, { categories: ['laboratory'], purpose: 'treatment' });
    expect((await read(p.clinic, recordId, 'treatment')).status).toBe(200);
    const prep = await con(p.alice.token, 'POST', `/grants/${g.id}/revoke/prepare`);
    const t0 = Date.now();
    const rv = await con(p.alice.token, 'POST', `/grants/${g.id}/revoke`, {
      nonce: prep.body.nonce,
      deadline: prep.body.deadline,
      signature: await signTyped(p.alice.wallet, prep.body.toSign),
    });
    expect(rv.status).toBe(202);
    await until(
      'grant revoked',
      async () => (await con(p.alice.token, 'GET', `/grants/${g.id}`)).body.status === 'revoked',
    );
    // Mined: every decision path (event-fed index or chain) must refuse within 1 s.
    const refused = await until(
      'revocation enforced',
      async () => {
        const r = await read(p.clinic, recordId, 'treatment', { grantId: g.chainId });
        return r.status === 403 ? r : undefined;
      },
      1000,
    );
    const enforcedAfterMs = Date.now() - t0;
    await denied(refused, 'GrantRevoked');
    await denied(await read(p.clinic, recordId, 'treatment'), 'NoActiveGrant');
    expect(enforcedAfterMs).toBeLessThan(5000);
  });

  it('a revocation binds every instance within 1 s of being mined', async () => {
    const replica = await s.startReplica();
    try {
      const g = await grant(p.alice, p.clinic, { categories: ['laboratory'], purpose: 'treatment' });
      const viaReplica = async () =>
        call(
          replica.url,
          p.clinic.token,
          'POST',
          `/records/${recordId}/read`,
          await signedRead(p.clinic.wallet, s.gatekeeperDomain, recordId, 'treatment'),
        );
      expect((await viaReplica()).status).toBe(200);
      expect((await read(p.clinic, recordId, 'treatment')).status).toBe(200);
      const prep = await con(p.alice.token, 'POST', `/grants/${g.id}/revoke/prepare`);
      await con(p.alice.token, 'POST', `/grants/${g.id}/revoke`, {
        nonce: prep.body.nonce,
        deadline: prep.body.deadline,
        signature: await signTyped(p.alice.wallet, prep.body.toSign),
      });
      // The moment the Consent contract holds the revocation, both instances must refuse.
      await until(
        'revocation mined',
        async () =>
          (
            (await consentAt(readDeployment(s.env.UHR_DEPLOYMENTS_FILE!).contracts.Consent!, s.provider).grantOf!(
              g.chainId,
            )) as { revoked: boolean }
          ).revoked,
        10_000,
      );
      const minedAt = Date.now();
      await until(
        'both instances refuse',
        async () => (await viaReplica()).status === 403 && (await read(p.clinic, recordId, 'treatment')).status === 403,
        1000,
      );
      expect(Date.now() - minedAt).toBeLessThan(1000);
    } finally {
      await replica.close();
    }
  });

  it('access request: third party asks, patient is notified, approves by signing a grant — or denies', async () => {
    const ask = await con(p.insurer.token, 'POST', '/access-requests', {
      patientId: p.bob.identityId,
      requesterId: p.insurer.identityId,
      purpose: 'billing',
      recordIds: [],
      categories: ['laboratory'],
    });
    expect(ask.status).toBe(201);
    expect(
      (await con(p.bob.token, 'GET', '/access-requests')).body.some((r: { id: string }) => r.id === ask.body.id),
    ).toBe(true);
    expect((await con(p.alice.token, 'GET', `/access-requests/${ask.body.id}`)).status).toBe(403);
    const consentDb = s.consent.get(DataSource);
    const [ev] = await consentDb.query(
      `select message from uhr_outbox where message->>'type' = 'consent.AccessRequested' and message->>'aggregateId' = $1`,
      [ask.body.id],
    );
    expect(ev.message.payload).toMatchObject({
      requestId: ask.body.id,
      patientSubject: p.bob.subject,
      requesterSubject: p.insurer.subject,
      purpose: 'billing',
    });
    // The insurer may not answer its own request; Bob approves by signing a grant that names it.
    expect(
      (await con(p.insurer.token, 'POST', `/access-requests/${ask.body.id}/deny`, { reason: 'nope' })).status,
    ).toBe(403);
    const now = Math.floor(Date.now() / 1000);
    const terms = {
      patientId: p.bob.identityId,
      granteeId: p.insurer.identityId,
      recordIds: [],
      categories: ['laboratory'],
      purpose: 'billing',
      validFrom: now - 5,
      validUntil: now + 600,
      maxUses: 0,
    };
    const prep = await con(p.bob.token, 'POST', '/grants/prepare', terms);
    const approved = await con(p.bob.token, 'POST', '/grants', {
      ...terms,
      grantId: prep.body.grantId,
      nonce: prep.body.nonce,
      deadline: prep.body.deadline,
      signature: await signTyped(p.bob.wallet, prep.body.toSign),
      accessRequestId: ask.body.id,
    });
    expect(approved.status).toBe(202);
    expect((await con(p.bob.token, 'GET', `/access-requests/${ask.body.id}`)).body).toMatchObject({
      status: 'approved',
      grantId: prep.body.grantId,
    });
    const ask2 = await con(p.insurer.token, 'POST', '/access-requests', {
      patientId: p.bob.identityId,
      requesterId: p.insurer.identityId,
      purpose: 'research',
      recordIds: [],
      categories: ['imaging'],
    });
    const denied2 = await con(p.bob.token, 'POST', `/access-requests/${ask2.body.id}/deny`, {
      reason: 'not for research',
    });
    expect(denied2.body).toMatchObject({ status: 'denied', reason: 'not for research' });
    expect((await con(p.bob.token, 'POST', `/access-requests/${ask2.body.id}/deny`, { reason: 'again' })).status).toBe(
      409,
    );
  });

  it('expired grant', async () => {
    const g = await grant(p.bob, p.insurer, { categories: ['laboratory'], purpose: 'billing', seconds: 3 });
    const res = await until(
      'grant expired on-chain',
      async () => {
        await s.provider.send('evm_mine', []);
        const r = await read(p.insurer, bobRecord, 'billing', { grantId: g.chainId });
        return r.body.error === 'GrantExpired' ? r : undefined;
      },
      15_000,
    );
    await denied(res, 'GrantExpired');
    await until(
      'consent.GrantExpired emitted',
      async () => (await con(p.bob.token, 'GET', `/grants/${g.id}`)).body.status === 'expired',
    );
  });

  it('a pending record is not readable under a grant (only author and patient see it before acceptance)', async () => {
    const g = await grant(p.bob, p.pharmacy, { recordIds: [bobRecord], purpose: 'dispensing' });
    await denied(await read(p.pharmacy, bobRecord, 'dispensing', { grantId: g.chainId }), 'RecordNotAccepted');
  });

  it('break-glass: reason required, time-boxed, alerts patient and auditor, opens a pending record', async () => {
    const terms = {
      providerId: p.clinic.identityId,
      patientId: p.bob.identityId,
      reasonCode: 'unconscious-patient',
      durationSeconds: 600,
    };
    const noReason = await con(p.clinic.token, 'POST', '/break-glass', {
      ...terms,
      nonce: '0',
      deadline: '1',
      signature: '0x' + '11'.repeat(65),
    });
    expect(noReason.status).toBe(400);
    expect(noReason.body.fields.reason).toBeDefined();
    const prep = await con(p.clinic.token, 'POST', '/break-glass/prepare', terms);
    expect(prep.status).toBe(200);
    const opened = await con(p.clinic.token, 'POST', '/break-glass', {
      ...terms,
      reason: 'patient brought in unconscious, suspected anaphylaxis',
      nonce: prep.body.nonce,
      deadline: prep.body.deadline,
      signature: await signTyped(p.clinic.wallet, prep.body.toSign),
    });
    expect(opened.status).toBe(202);
    await until(
      'break-glass active',
      async () => (await con(p.clinic.token, 'GET', `/break-glass/${opened.body.id}`)).body.status === 'active',
    );
    const res = await read(p.clinic, bobRecord, 'emergency');
    expect(res.status).toBe(200);
    expect(res.body.basis).toBe('break-glass');
    const consentDb = s.consent.get(DataSource);
    const [ev] = await consentDb.query(
      `select message from uhr_outbox where message->>'type' = 'consent.BreakGlassUsed' and message->>'aggregateId' = $1`,
      [opened.body.id],
    );
    expect(ev.message.payload).toMatchObject({
      patientSubject: p.bob.subject,
      providerSubject: p.clinic.subject,
      alert: ['patient', 'auditor'],
    });
  });

  it('a one-time grant read twice at the same moment serves exactly once', async () => {
    const g = await grant(p.alice, p.insurer, { recordIds: [recordId], purpose: 'billing', maxUses: 1 });
    const index = s.records.get(GrantIndex);
    await until('grant indexed', async () => index.get(g.chainId) !== undefined, 2000);
    const [a, b] = await Promise.all([
      read(p.insurer, recordId, 'billing', { grantId: g.chainId }),
      read(p.insurer, recordId, 'billing', { grantId: g.chainId }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 403]);
    expect([a, b].find((r) => r.status === 403)!.body.error).toBe('GrantExhausted');
  });

  it('a file (PDF) with FHIR DocumentReference metadata: uploaded, anchored, read back byte for byte', async () => {
    const pdf = Buffer.concat([
      Buffer.from('%PDF-1.4\n'),
      Buffer.from(Array.from({ length: 3000 }, (_, i) => i % 251)),
      Buffer.from('\n%%EOF'),
    ]);
    const up = await rec(p.hospital.token, 'POST', '/records', {
      patientId: p.alice.identityId,
      providerId: p.hospital.identityId,
      category: 'imaging',
      title: 'Chest X-ray report',
      file: { contentType: 'application/pdf', data: pdf.toString('base64') },
    });
    expect(up.status).toBe(201);
    expect(up.body.documentReference).toMatchObject({
      resourceType: 'DocumentReference',
      subject: { reference: `Patient/${p.alice.identityId}` },
      content: [{ attachment: { contentType: 'application/pdf', size: pdf.length } }],
    });
    const t = up.body.toSign;
    expect(
      (
        await rec(p.hospital.token, 'POST', `/records/${up.body.record.id}/anchor`, {
          nonce: t.message.nonce,
          deadline: t.message.deadline,
          signature: await signTyped(p.hospital.wallet, t),
        })
      ).status,
    ).toBe(202);
    await until(
      'file anchored',
      async () => (await rec(p.hospital.token, 'GET', `/records/${up.body.record.id}`)).body.status === 'pending',
    );
    const res = await read(p.alice, up.body.record.id, 'self-care');
    expect(res.status).toBe(200);
    expect(res.body.contentType).toBe('application/pdf');
    expect(Buffer.from(res.body.data, 'base64').equals(pdf)).toBe(true);
    const bad = await rec(p.hospital.token, 'POST', '/records', {
      patientId: p.alice.identityId,
      providerId: p.hospital.identityId,
      category: 'imaging',
      title: 'x',
      file: { contentType: 'application/x-msdownload', data: 'TVo=' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.fields['file.contentType']).toBeDefined();
  });

  it('the patient ends a relationship: the author loses access to what it wrote', async () => {
    expect((await read(p.hospital, bobRecord, 'treatment')).status).toBe(200);
    const rels = await con(p.bob.token, 'GET', '/relationships');
    expect(rels.body).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ patientId: p.bob.identityId, providerId: p.hospital.identityId, status: 'active' }),
      ]),
    );
    const terms = { patientId: p.bob.identityId, providerId: p.hospital.identityId };
    const prep = await con(p.bob.token, 'POST', '/relationships/end/prepare', terms);
    expect((await con(p.hospital.token, 'POST', '/relationships/end/prepare', terms)).status).toBe(403);
    const ended = await con(p.bob.token, 'POST', '/relationships/end', {
      ...terms,
      nonce: prep.body.nonce,
      deadline: prep.body.deadline,
      signature: await signTyped(p.bob.wallet, prep.body.toSign),
    });
    expect(ended.status).toBe(202);
    await until(
      'relationship ended',
      async () => (await con(p.bob.token, 'GET', `/relationships/endings/${ended.body.id}`)).body.status === 'ended',
    );
    await denied(await read(p.hospital, bobRecord, 'treatment'), 'RelationshipEnded');
    // No record of the hospital's joins a batch any more: its anchor is refused when the batch is cut.
    const up = await rec(p.hospital.token, 'POST', '/records', {
      patientId: p.bob.identityId,
      providerId: p.hospital.identityId,
      category: 'laboratory',
      title: 'After the end',
      fhir: {
        resourceType: 'Observation',
        status: 'final',
        code: { text: 'x' },
        subject: { reference: `Patient/${p.bob.identityId}` },
      },
    });
    const signed = await rec(p.hospital.token, 'POST', `/records/${up.body.record.id}/anchor`, {
      nonce: up.body.toSign.message.nonce,
      deadline: up.body.toSign.message.deadline,
      signature: await signTyped(p.hospital.wallet, up.body.toSign),
    });
    expect(signed.status).toBe(202);
    const refused = await until('anchor refused', async () => {
      const r = (await rec(p.hospital.token, 'GET', `/records/${up.body.record.id}`)).body;
      return r.status === 'anchor-rejected' ? r : undefined;
    });
    expect(refused.chain.error).toBe('RelationshipsRelationshipEnded');
    expect((await read(p.bob, bobRecord, 'self-care')).status).toBe(200);
  });

  it('bad input is a 400 with field errors', async () => {
    const bad = await rec(p.hospital.token, 'POST', '/records', {
      patientId: p.alice.identityId,
      providerId: p.hospital.identityId,
      category: 'laboratory',
      title: 'x',
      fhir: { resourceType: 'Observation', subject: { reference: `Patient/${p.bob.identityId}` } },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.fields['fhir.subject']).toBeDefined();
    expect(
      (await rec(p.alice.token, 'POST', `/records/${recordId}/read`, { request: { recordId: 'nope' } })).status,
    ).toBe(400);
    expect(
      (
        await rec(p.pharmacy.token, 'POST', '/records', {
          patientId: p.alice.identityId,
          category: 'laboratory',
          title: 't',
          fhir: {},
        })
      ).status,
    ).toBe(403);
  });
});

describe('audit anchoring survives a refused batch', () => {
  afterAll(() => s.setAnchorer(true));

  it('gives a refused batch’s entries back and anchors them once the chain accepts again (no gap)', async () => {
    const recordId = await addLabReport(p.alice);
    await accept(p.alice, recordId);
    await s.setAnchorer(false);
    const first = await read(p.alice, recordId, 'self-care');
    expect(first.status).toBe(200);
    const auditId = first.body.auditId as string;
    await until('the batch holding the read refused by the chain', async () => {
      const rows: Array<{ status: string; error: string | null }> = await s.recordsDb.query(
        `select b.status, b.error from audit_batches b where b.status = 'rejected'
           and exists (select 1 from audit_entries a where a.id = $1 and a.batch_id is null)`,
        [auditId],
      );
      return rows.length > 0;
    });
    expect((await rec(p.alice.token, 'GET', `/access-log/${auditId}/proof`)).status).toBe(404);

    await s.setAnchorer(true);
    const second = await read(p.alice, recordId, 'self-care');
    for (const id of [auditId, second.body.auditId as string]) {
      const proof = await until(`entry ${id} anchored after the refusal`, async () => {
        const r = await rec(p.alice.token, 'GET', `/access-log/${id}/proof`);
        return r.status === 200 && r.body.verifiedOnChain ? r.body : undefined;
      });
      expect(proof.status).toBe('confirmed');
    }
  });
});

describe('bulk ingest (the clinic’s backlog): one pack in S3, one transaction, each record anchored, read and verified on its own', () => {
  const observation = (patient: Party, i: number) => ({
    patientId: patient.identityId,
    providerId: p.clinic.identityId,
    category: 'laboratory',
    title: `Glucose ${i}`,
    fhir: {
      resourceType: 'Observation',
      status: 'final',
      code: { coding: [{ system: 'http://loinc.org', code: '2345-7', display: 'Glucose' }] },
      subject: { reference: `Patient/${patient.identityId}` },
      valueQuantity: { value: 90 + i, unit: 'mg/dL' },
    },
  });
  let ids: string[] = [];

  it('stores a batch as one packed object; each record is anchored, accepted and read back', async () => {
    const up = await rec(p.clinic.token, 'POST', '/records/batch', {
      records: [observation(p.alice, 0), observation(p.bob, 1), observation(p.alice, 2)],
    });
    expect(up.status).toBe(201);
    ids = up.body.records.map((r: { id: string }) => r.id);
    expect(ids).toHaveLength(3);
    const rows: Array<{ id: string; blob_key: string; status: string }> = await s.recordsDb.query(
      'select id, blob_key, status from records where id = any($1::uuid[])',
      [ids],
    );
    const packs = new Set(rows.map((r) => r.blob_key.split('#')[0]));
    expect(packs.size).toBe(1);
    expect(rows.every((r) => /^packs\/.+#\d+\+\d+$/.test(r.blob_key) && r.status === 'uploaded')).toBe(true);
    // Until accepted, only the author and the patient see a record: Bob is not told of Alice's.
    expect((await rec(p.bob.token, 'GET', `/records/${ids[0]}`)).status).toBe(403);

    for (const [i, id] of ids.entries()) {
      const t = await rec(p.clinic.token, 'GET', `/records/${id}/anchor-request`);
      expect(t.status).toBe(200);
      const anchored = await rec(p.clinic.token, 'POST', `/records/${id}/anchor`, {
        nonce: t.body.message.nonce,
        deadline: t.body.message.deadline,
        signature: await signTyped(p.clinic.wallet, t.body),
      });
      expect(anchored.status).toBe(202);
      await until(
        `record ${i} anchored`,
        async () => (await rec(p.clinic.token, 'GET', `/records/${id}`)).body.status === 'pending',
      );
    }
    await accept(p.alice, ids[0]!);
    await accept(p.bob, ids[1]!);
    await accept(p.alice, ids[2]!);
    const r0 = await read(p.alice, ids[0]!, 'self-care');
    expect(r0.status).toBe(200);
    expect(r0.body.resource.valueQuantity.value).toBe(90);
    const r1 = await read(p.bob, ids[1]!, 'self-care');
    expect(r1.status).toBe(200);
    expect(r1.body.resource.subject.reference).toBe(`Patient/${p.bob.identityId}`);
    // A neighbour in the same pack is still another patient's record: Bob cannot read Alice's.
    expect((await read(p.bob, ids[0]!, 'self-care')).status).toBe(403);
  });

  it('a byte changed in one frame of the pack: that record is refused as tampered, its neighbours still served', async () => {
    await tamperWith(ids[2]!);

    const tampered = await read(p.alice, ids[2]!, 'self-care');
    expect({ status: tampered.status, error: tampered.body.error }).toEqual({
      status: 409,
      error: 'IntegrityViolation',
    });
    expect((await read(p.alice, ids[0]!, 'self-care')).status).toBe(200);
    expect((await read(p.bob, ids[1]!, 'self-care')).status).toBe(200);
  });

  it('answers a single upload with the record exactly as stored (committed with whatever else was waiting)', async () => {
    const ups = await Promise.all(
      [7, 8, 9].map((i) => rec(p.clinic.token, 'POST', '/records', observation(p.alice, i))),
    );
    for (const up of ups) {
      expect(up.status).toBe(201);
      const stored = await rec(p.clinic.token, 'GET', `/records/${up.body.record.id}`);
      expect(stored.body).toEqual(up.body.record);
      expect(up.body.toSign.message.contentHash).toBe(stored.body.contentHash);
    }
  });

  it('refuses a batch with an invalid record as a whole, naming it (nothing stored)', async () => {
    const before = await s.recordsDb.query('select count(*)::int as n from records');
    const bad = { ...observation(p.alice, 5), fhir: { resourceType: 'Observation', subject: { reference: 'x' } } };
    const res = await rec(p.clinic.token, 'POST', '/records/batch', {
      records: [observation(p.alice, 4), bad],
    });
    expect(res.status).toBe(400);
    expect(Object.keys(res.body.fields).some((k) => k.startsWith('records[1].'))).toBe(true);
    const after = await s.recordsDb.query('select count(*)::int as n from records');
    expect(after[0].n).toBe(before[0].n);
    const tooMany = await rec(p.clinic.token, 'POST', '/records/batch', {
      records: Array.from({ length: 1001 }, (_, i) => observation(p.alice, i)),
    });
    expect(tooMany.status).toBe(400);
    expect((await rec(p.alice.token, 'POST', '/records/batch', { records: [observation(p.alice, 6)] })).status).toBe(
      403,
    );
  });
});

describe('tampering is detected, never served', () => {
  it('a blob altered directly in S3', async () => {
    const recordId = await addLabReport(p.alice);
    await tamperWith(recordId);
    const res = await read(p.alice, recordId, 'self-care');
    expect(res.status).toBe(409);
    expect(res.body.error).toBe('IntegrityViolation');
    expect(res.body.resource).toBeUndefined();
    const alerts = await outboxTypes('records.IntegrityViolationDetected');
    expect(alerts.some((a) => a.payload.recordId === recordId && a.payload.patientSubject === p.alice.subject)).toBe(
      true,
    );
  });

  it('a database row altered directly (category relabelled, blob pointer swapped)', async () => {
    const a = await addLabReport(p.alice);
    const b = await addLabReport(p.alice, p.hospital, 'imaging');
    await s.recordsDb.query(`update records set category = 'document' where id = $1`, [a]);
    const r1 = await read(p.alice, a, 'self-care');
    expect({ status: r1.status, error: r1.body.error }).toEqual({ status: 409, error: 'IntegrityViolation' });
    const [other] = await s.recordsDb.query('select blob_key, content_hash from records where id = $1', [b]);
    await s.recordsDb.query(
      `update records set category = 'laboratory', blob_key = $2, content_hash = $3 where id = $1`,
      [a, other.blob_key, other.content_hash],
    );
    const r2 = await read(p.alice, a, 'self-care');
    expect({ status: r2.status, error: r2.body.error }).toEqual({ status: 409, error: 'IntegrityViolation' });
    const [audit] = await s.recordsDb.query(
      `select outcome from audit_entries where record_id = $1 order by position desc limit 1`,
      [a],
    );
    expect(audit.outcome).toBe('integrity-violation');
  });
});
