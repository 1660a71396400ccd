// Records at national scale (ADR 0008): parallel uploads by one key all anchored in Merkle batches, none refused;
// providers and patients interleaved; one signature answering 50 records; the gatekeeper refusing a row whose
// batch root is missing or altered; a restart in the middle of batching losing and doubling nothing.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { relationshipsAt } from '@uhr/contracts';
import { contractAddress, EncryptedBlobStore, readDeployment } from '@uhr/platform';
import { PUBLIC_HEALTH_OPERATIONS, tokenFor, undocumentedOperations } from '@uhr/platform/testing';
import { randomUUID } from 'node:crypto';
import type { Contract } from 'ethers';
import { Kafka } from 'kafkajs';
import pg from 'pg';
import { call, presignedUpload, signedRead, signTyped, until, type Party } from '../demo/client.js';
import { OrphanPackSweeper } from '../src/records/orphans/orphan-pack-sweeper.js';
import { enrolParties, observation, startStack, type PartyName, type Stack } from './harness.js';

let s: Stack;
let p: Record<PartyName, Party>;
let relationships: Contract;

const rec = (token: string, method: string, path: string, body?: unknown) =>
  call(s.recordsUrl, token, method, path, body);

/** Uploads one record and signs its anchor; resolves with its id once the signature was accepted (202). */
async function uploadAndSign(author: Party, patient: Party, n: number): Promise<string> {
  const up = await rec(author.token, 'POST', '/records', {
    patientId: patient.identityId,
    providerId: author.identityId,
    category: 'laboratory',
    title: `Glucose ${n}`,
    fhir: observation(patient, n),
  });
  expect(up.status).toBe(201);
  const { record, toSign } = up.body;
  const signed = await rec(author.token, 'POST', `/records/${record.id}/anchor`, {
    nonce: toSign.message.nonce,
    deadline: toSign.message.deadline,
    signature: await signTyped(author.wallet, toSign),
  });
  expect(signed.status).toBe(202);
  return record.id as string;
}

/** One request (ADR 0012): the AddRecord signed before uploading; resolves with the id once stored (202). */
async function signedUpload(author: Party, patient: Party, n: number): Promise<string> {
  const body = await presignedUpload(s.gatekeeperDomain, author, patient, observation(patient, n));
  const up = await rec(author.token, 'POST', '/records', body);
  expect([up.status, up.body.record?.status, up.body.error]).toEqual([202, 'anchoring', undefined]);
  expect(up.body.toSign).toBeUndefined();
  return body.recordId;
}

/** Runs `count` jobs with at most `inFlight` at once. */
async function inParallel<T>(count: number, inFlight: number, job: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array(count);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < count; i = next++) out[i] = await job(i);
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return out;
}

const statusesOf = async (ids: string[]): Promise<Record<string, number>> => {
  const rows: Array<{ status: string; n: string }> = await s.recordsDb.query(
    'select status, count(*)::text as n from records where id = any($1::uuid[]) group by status',
    [ids],
  );
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
};

const allIn = (ids: string[], status: string) =>
  until(`${ids.length} records ${status}`, async () => ((await statusesOf(ids))[status] ?? 0) === ids.length, 60_000);

/** The record's proof as the API gives it, checked by the contract's own view. */
async function provenOnChain(author: Party, recordId: string): Promise<boolean> {
  const proof = await rec(author.token, 'GET', `/records/${recordId}/proof`);
  expect(proof.status).toBe(200);
  const { root, leaf, proof: path } = proof.body.record;
  return (await relationships.verifyRecord!(root, leaf, path)) as boolean;
}

beforeAll(async () => {
  s = await startStack();
  p = await enrolParties(s.env, s.recordsDb);
  const d = readDeployment(s.env.UHR_DEPLOYMENTS_FILE!);
  relationships = relationshipsAt(contractAddress(d, 'Relationships'), s.provider);
});

afterAll(async () => {
  await s?.close();
});

describe('KEK rotation', () => {
  it('re-seals stored records under the new KEK: they read on with it, anchors unchanged, the old KEK alone fails', async () => {
    const ids = await inParallel(3, 3, (i) => signedUpload(p.hospital, p.alice, 900 + i));
    await allIn(ids, 'pending');
    const before = await s.recordsDb.query(
      'select id, content_hash, blob_key, blob_kid from records where id = any($1::uuid[])',
      [ids],
    );
    const oldRing = s.env.UHR_RECORDS_KEK_RING ?? 'dev-1:dWhyLWRldi1yZWNvcmRzLWtlay0zMi1ieXRlcy0hISE=';
    const rotated = await s.startReplica({
      UHR_RECORDS_KEK_RING: `${oldRing},dev-2:${Buffer.alloc(32, 42).toString('base64')}`,
      UHR_RECORDS_KEK_ACTIVE: 'dev-2',
    });
    try {
      const call2 = (token: string, path: string, body?: unknown) => call(rotated.url, token, 'POST', path, body);
      expect((await call2(p.alice.token, '/records/admin/kek-rotation')).status).toBe(403);
      const pass = await call2(await tokenFor('admin-1'), '/records/admin/kek-rotation?maxPacks=1000');
      expect(pass.status).toBe(200);
      expect(pass.body).toMatchObject({ activeKid: 'dev-2', packsLeft: 0 });
      expect(pass.body.recordsMoved).toBeGreaterThanOrEqual(3);
      const after = await s.recordsDb.query(
        'select id, content_hash, blob_key, blob_kid from records where id = any($1::uuid[])',
        [ids],
      );
      for (const row of after) {
        const was = before.find((b: { id: string }) => b.id === row.id);
        expect([row.blob_kid, row.content_hash]).toEqual(['dev-2', was.content_hash]);
        expect(row.blob_key).not.toBe(was.blob_key);
      }
      const signed = await signedRead(p.alice.wallet, s.gatekeeperDomain, ids[0]!, 'self-care');
      const viaNew = await call2(p.alice.token, `/records/${ids[0]}/read`, signed);
      expect([viaNew.status, viaNew.body.resource]).toEqual([200, observation(p.alice, 900)]);
      const proof = (await call(rotated.url, p.hospital.token, 'GET', `/records/${ids[0]}/proof`)).body.record;
      expect(await relationships.verifyRecord!(proof.root, proof.leaf, proof.proof)).toBe(true);
      // Titles are re-sealed too; an instance holding only the old KEK opens neither any more (503, not 500).
      expect((await call(rotated.url, p.alice.token, 'GET', `/records/${ids[1]}`)).body.title).toBe('Lab report');
      const again = await signedRead(p.alice.wallet, s.gatekeeperDomain, ids[1]!, 'self-care');
      const viaOld = await rec(p.alice.token, 'POST', `/records/${ids[1]}/read`, again);
      expect([viaOld.status, viaOld.body.error]).toEqual([503, 'KeyUnavailable']);
    } finally {
      await rotated.close();
    }
  });
});

describe('uploads anchored in Merkle batches', () => {
  it('anchors 200 uploads by one provider with 32 in flight: none refused, each provable on-chain', async () => {
    const ids = await inParallel(200, 32, (i) => signedUpload(p.hospital, p.alice, i));
    await allIn(ids, 'pending');
    expect(await statusesOf(ids)).toEqual({ pending: 200 });
    const batches: Array<{ n: string }> = await s.recordsDb.query(
      `select count(distinct anchor_root)::text as n from records where id = any($1::uuid[])`,
      [ids],
    );
    expect(Number(batches[0]!.n)).toBeLessThan(200); // shared transactions, not one each
    for (const id of [ids[0]!, ids[99]!, ids[199]!]) expect(await provenOnChain(p.hospital, id)).toBe(true);
  });

  it('keeps two providers and two patients apart when their uploads interleave', async () => {
    const pairs: Array<[Party, Party]> = [
      [p.hospital, p.alice],
      [p.clinic, p.bob],
      [p.clinic, p.alice],
      [p.hospital, p.bob],
    ];
    const ids = await inParallel(40, 16, (i) => uploadAndSign(pairs[i % 4]![0], pairs[i % 4]![1], i));
    await allIn(ids, 'pending');
    const rows: Array<{ id: string; patient_id: string; provider_id: string }> = await s.recordsDb.query(
      'select id, patient_id, provider_id from records where id = any($1::uuid[])',
      [ids],
    );
    for (const [i, id] of ids.entries()) {
      const row = rows.find((r) => r.id === id)!;
      expect([row.provider_id, row.patient_id]).toEqual([pairs[i % 4]![0].identityId, pairs[i % 4]![1].identityId]);
    }
    const bobsView = (await rec(p.bob.token, 'GET', '/records?limit=500')).body as Array<{ id: string }>;
    const bobs = ids.filter((_, i) => pairs[i % 4]![1] === p.bob);
    expect(bobsView.map((r) => r.id)).toEqual(expect.arrayContaining(bobs));
    expect(bobsView.some((r) => ids.filter((x) => !bobs.includes(x)).includes(r.id))).toBe(false);
    const alicesProof = await rec(p.bob.token, 'GET', `/records/${ids[0]}/proof`);
    expect(alicesProof.status).toBe(403);
    // The Summary: each patient's relationships on-chain name both providers.
    const summary = (await relationships.relationshipsOf!(chainIdOf(p.bob))) as string[];
    expect(summary.length).toBeGreaterThanOrEqual(2);
  });

  it('anchors a bulk batch with one AddRecords signature over all its records', async () => {
    const up = await rec(p.hospital.token, 'POST', '/records/batch', {
      records: Array.from({ length: 300 }, (_, i) => ({
        patientId: (i % 2 ? p.alice : p.bob).identityId,
        providerId: p.hospital.identityId,
        category: 'laboratory',
        title: `Bulk ${i}`,
        fhir: observation(i % 2 ? p.alice : p.bob, i),
      })),
    });
    expect(up.status).toBe(201);
    const ids = (up.body.records as Array<{ id: string }>).map((r) => r.id);
    const { toSign } = up.body;
    expect(toSign.primaryType).toBe('AddRecords');
    const body = { recordIds: ids, nonce: toSign.message.nonce, deadline: toSign.message.deadline };
    const signature = await signTyped(p.hospital.wallet, toSign);
    const reordered = [ids[1]!, ids[0]!, ...ids.slice(2)];
    expect(
      (await rec(p.hospital.token, 'POST', '/records/batch/anchor', { ...body, recordIds: reordered, signature }))
        .status,
    ).toBe(403);
    expect((await rec(p.clinic.token, 'POST', '/records/batch/anchor', { ...body, signature })).status).toBe(403);
    const anchored = await rec(p.hospital.token, 'POST', '/records/batch/anchor', { ...body, signature });
    expect(anchored.status).toBe(202);
    await allIn(ids, 'pending');
    expect(await provenOnChain(p.hospital, ids[123]!)).toBe(true);
    const again = await rec(p.hospital.token, 'POST', '/records/batch/anchor', { ...body, signature });
    expect(again.status).toBe(409); // signed already
  });

  it('lets a patient accept 50 records with one signature', async () => {
    const ids = await inParallel(50, 16, (i) => uploadAndSign(p.clinic, p.bob, 1000 + i));
    await allIn(ids, 'pending');
    const t = await rec(p.bob.token, 'POST', '/records/responses/request', { recordIds: ids, accept: true });
    expect(t.status).toBe(200);
    expect(t.body.primaryType).toBe('RespondToRecords');
    const signature = await signTyped(p.bob.wallet, t.body);
    const body = { recordIds: ids, accept: true, nonce: t.body.message.nonce, deadline: t.body.message.deadline };
    // The signature covers exactly the list: one record fewer is another message.
    const fewer = await rec(p.bob.token, 'POST', '/records/responses', { ...body, recordIds: ids.slice(1), signature });
    expect(fewer.status).toBe(403);
    // Another patient's login cannot relay it.
    const foreign = await rec(p.alice.token, 'POST', '/records/responses', { ...body, signature });
    expect(foreign.status).toBe(403);
    const answered = await rec(p.bob.token, 'POST', '/records/responses', { ...body, signature });
    expect(answered.status).toBe(202);
    await allIn(ids, 'accepted');
    const proof = (await rec(p.bob.token, 'GET', `/records/${ids[7]}/proof`)).body;
    expect(await relationships.verifyResponse!(proof.response.root, proof.response.leaf, proof.response.proof)).toBe(
      true,
    );
    const again = await rec(p.bob.token, 'POST', '/records/responses', { ...body, signature });
    expect(again.status).toBe(409); // answered already: not pending
  });
});

describe('uploads signed before sending (one request each)', () => {
  const read = (reader: Party, recordId: string) =>
    signedRead(reader.wallet, s.gatekeeperDomain, recordId, 'self-care').then((signed) =>
      rec(reader.token, 'POST', `/records/${recordId}/read`, signed),
    );

  it('tells an integrator what to sign (GET /signing, public) and documents every operation in its OpenAPI', async () => {
    const signing = await call(s.recordsUrl, null, 'GET', '/signing');
    expect(signing.status).toBe(200);
    expect(signing.body.domains.relationships).toEqual({
      name: 'UHR Relationships',
      version: '1',
      chainId: s.gatekeeperDomain.chainId,
      verifyingContract: s.gatekeeperDomain.verifyingContract,
    });
    expect(Object.keys(signing.body.types)).toEqual(['AddRecord', 'AddRecords', 'RespondToRecords', 'ReadRecord']);
    // A client that knows only this document signs an upload the service accepts.
    const body = await presignedUpload(
      signing.body.domains.relationships,
      p.hospital,
      p.alice,
      observation(p.alice, 49),
    );
    expect((await rec(p.hospital.token, 'POST', '/records', body)).status).toBe(202);
    const doc = await call(s.recordsUrl, null, 'GET', '/docs-json');
    const upload = doc.body.paths['/records'].post;
    expect(Object.keys(upload.responses).sort()).toEqual([
      '200',
      '201',
      '202',
      '400',
      '401',
      '403',
      '409',
      '422',
      '503',
    ]);
    expect(upload.description).toMatch(/RFC 8785/);
    // Every operation: a summary, a described success answer and, but for GET /signing and health, its 401.
    expect(undocumentedOperations(doc.body, [...PUBLIC_HEALTH_OPERATIONS, 'GET /signing'])).toEqual([]);
    // The signed read: every refusal it can answer, 410 RecordErased included (no Idempotency-Key: plaintext).
    expect(Object.keys(doc.body.paths['/records/{id}/read'].post.responses).sort()).toEqual([
      '200',
      '400',
      '401',
      '403',
      '404',
      '409',
      '410',
      '503',
    ]);
  });

  it('serves the resource exactly as sent once anchored: the plaintext matches its anchored commitment', async () => {
    const id = await signedUpload(p.hospital, p.alice, 42);
    await allIn([id], 'pending');
    const res = await read(p.alice, id);
    expect(res.status).toBe(200);
    expect(res.body.resource).toEqual(observation(p.alice, 42));
    expect(await provenOnChain(p.hospital, id)).toBe(true);
  });

  it('a retry with the same record id stores nothing twice; another content or author under it is refused', async () => {
    const body = await presignedUpload(s.gatekeeperDomain, p.hospital, p.alice, observation(p.alice, 43));
    const first = await rec(p.hospital.token, 'POST', '/records', body);
    const again = await rec(p.hospital.token, 'POST', '/records', body);
    expect([first.status, again.status]).toEqual([202, 200]);
    expect(again.body.record.id).toBe(body.recordId);
    const rows = await s.recordsDb.query('select count(*)::int as n from uhr_events where stream_id = $1', [
      body.recordId,
    ]);
    expect(rows[0].n).toBe(2); // RecordUploaded + RecordAnchorRequested, once
    // The same id with another content (unsigned: a signature would cover the id), or by another author.
    const unsigned = (author: Party, n: number) => ({
      patientId: p.alice.identityId,
      providerId: author.identityId,
      category: 'laboratory',
      title: 'Reused id',
      fhir: observation(p.alice, n),
      recordId: body.recordId,
    });
    const clash = await rec(p.hospital.token, 'POST', '/records', unsigned(p.hospital, 44));
    expect([clash.status, clash.body.error]).toEqual([409, 'RecordIdTaken']);
    const taken = await rec(p.clinic.token, 'POST', '/records', unsigned(p.clinic, 43));
    expect([taken.status, taken.body.error]).toEqual([409, 'RecordIdTaken']);
  });

  it('refuses a signature that does not cover the upload as sent, and a signed upload without its salt', async () => {
    const body = await presignedUpload(s.gatekeeperDomain, p.hospital, p.alice, observation(p.alice, 45));
    const relabelled = await rec(p.hospital.token, 'POST', '/records', { ...body, category: 'imaging' });
    expect([relabelled.status, relabelled.body.error]).toEqual([403, 'InvalidSignature']);
    const otherSalt = await rec(p.hospital.token, 'POST', '/records', { ...body, salt: '0x' + '22'.repeat(32) });
    expect([otherSalt.status, otherSalt.body.error]).toEqual([403, 'InvalidSignature']);
    const byClinic = await presignedUpload(s.gatekeeperDomain, p.clinic, p.alice, observation(p.alice, 45));
    const relayed = await rec(p.hospital.token, 'POST', '/records', byClinic);
    expect(relayed.status).toBe(403);
    const { salt: _salt, ...unsalted } = body;
    const noSalt = await rec(p.hospital.token, 'POST', '/records', unsalted);
    expect(noSalt.status).toBe(400);
    const badSalt = await rec(p.hospital.token, 'POST', '/records', { ...body, salt: '0x1234' });
    expect([badSalt.status, Object.keys(badSalt.body.fields ?? {})]).toEqual([400, ['salt']]);
    const stored = await s.recordsDb.query('select count(*)::int as n from records where id = $1', [body.recordId]);
    expect(stored[0].n).toBe(0);
  });

  it("refuses a blob swapped for another record's (its own valid ciphertext) once decrypted, never serving it", async () => {
    const [a, b] = await Promise.all([signedUpload(p.hospital, p.alice, 46), signedUpload(p.hospital, p.alice, 47)]);
    await allIn([a, b], 'pending');
    const [other] = await s.recordsDb.query('select blob_key, blob_sha256 from records where id = $1', [b]);
    await s.recordsDb.query('update records set blob_key = $2, blob_sha256 = $3 where id = $1', [
      a,
      other.blob_key,
      other.blob_sha256,
    ]);
    const res = await read(p.alice, a);
    expect([res.status, res.body.error, res.body.resource]).toEqual([409, 'IntegrityViolation', undefined]);
  });
});

describe('no health data outside the envelope', () => {
  /** Tables of one database whose rows, as text, contain `needle`. */
  async function tablesHolding(db: { query(sql: string, p?: unknown[]): Promise<any> }, needle: string) {
    const tables: Array<{ t: string }> = await db.query(
      `select quote_ident(table_name) as t from information_schema.tables
        where table_schema = 'public' and table_type = 'BASE TABLE'`,
    );
    const holding: string[] = [];
    for (const { t } of tables) {
      const [r] = await db.query(`select count(*)::int as n from ${t} x where x::text like $1`, [`%${needle}%`]);
      if (r.n > 0) holding.push(t);
    }
    return holding;
  }

  /** Messages published to `topics` between two offset snapshots that contain `needle`. */
  async function messagesHolding(topics: string[], from: Map<string, string>, to: Map<string, string>, needle: string) {
    const kafka = new Kafka({ clientId: 'title-leak-test', brokers: s.env.UHR_KAFKA_BROKERS!.split(','), logLevel: 0 });
    const consumer = kafka.consumer({ groupId: `title-leak-${Date.now()}` });
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: false });
    let seen = 0;
    let holding = 0;
    const left = new Map([...to].filter(([k, end]) => BigInt(end) > BigInt(from.get(k) ?? '0')));
    const done = new Promise<void>((resolve) => {
      if (left.size === 0) resolve();
      void consumer.run({
        eachMessage: async ({ topic, partition, message }) => {
          seen++;
          if (message.value?.toString('utf8').includes(needle)) holding++;
          const key = `${topic}/${partition}`;
          if (BigInt(message.offset) + 1n >= BigInt(left.get(key) ?? '0')) left.delete(key);
          if (left.size === 0) resolve();
        },
      });
    });
    for (const [key, offset] of from) {
      const [topic, partition] = key.split('/') as [string, string];
      consumer.seek({ topic, partition: Number(partition), offset });
    }
    await done;
    await consumer.disconnect();
    return { seen, holding };
  }

  async function offsetsOf(topics: string[]): Promise<Map<string, string>> {
    const admin = new Kafka({
      clientId: 'title-leak-admin',
      brokers: s.env.UHR_KAFKA_BROKERS!.split(','),
      logLevel: 0,
    }).admin();
    await admin.connect();
    const out = new Map<string, string>();
    for (const topic of topics) {
      for (const p of await admin.fetchTopicOffsets(topic)) out.set(`${topic}/${p.partition}`, p.high);
    }
    await admin.disconnect();
    return out;
  }

  it('a title is in no table and no topic in clear — only sealed, and opened for the parties', async () => {
    const title = `HIV viral load ${randomUUID()}`;
    const topics = ['uhr.records.record.v1', 'uhr.records.access.v1'];
    const before = await offsetsOf(topics);
    const body = await presignedUpload(s.gatekeeperDomain, p.hospital, p.alice, observation(p.alice, 48), { title });
    expect((await rec(p.hospital.token, 'POST', '/records', body)).status).toBe(202);
    await allIn([body.recordId], 'pending');
    const read = await signedRead(p.alice.wallet, s.gatekeeperDomain, body.recordId, 'self-care');
    const served = await rec(p.alice.token, 'POST', `/records/${body.recordId}/read`, read);
    expect([served.status, served.body.title]).toEqual([200, title]);
    expect((await rec(p.alice.token, 'GET', `/records/${body.recordId}`)).body.title).toBe(title);
    // The running notifications service took in the record's RecordAdded (an inbox entry, or a skip when the
    // patient muted records): whatever it wrote is then searched too.
    const [added] = await s.recordsDb.query(
      `select id from uhr_events where stream_id = $1 and type = 'records.RecordAdded'`,
      [body.recordId],
    );
    const inbox = new pg.Client({ connectionString: s.env.UHR_PG_URL!.replace(/\/[^/]*$/, '/uhr_notifications') });
    await inbox.connect();
    try {
      await until('notifications to take in RecordAdded', async () => {
        const r = await inbox.query(
          `select 1 from uhr_processed_messages where message_id::text = $1
           union all select 1 from skipped_events where event_id = $1`,
          [added.id],
        );
        return r.rows.length > 0;
      });
      expect(await tablesHolding({ query: (q, v) => inbox.query(q, v).then((r) => r.rows) }, title)).toEqual([]);
    } finally {
      await inbox.end();
    }
    expect(await tablesHolding(s.recordsDb, title)).toEqual([]);
    const after = await offsetsOf(topics);
    const scanned = await messagesHolding(topics, before, after, title);
    expect(scanned.seen).toBeGreaterThan(0);
    expect(scanned.holding).toBe(0);
  });
});

describe('erasure', () => {
  const read = (reader: Party, recordId: string) =>
    signedRead(reader.wallet, s.gatekeeperDomain, recordId, 'self-care').then((signed) =>
      rec(reader.token, 'POST', `/records/${recordId}/read`, signed),
    );

  it("destroys one record's data key with its pack copy; the records stored beside it still read", async () => {
    const up = await rec(p.hospital.token, 'POST', '/records/batch', {
      records: [0, 1, 2].map((i) => ({
        patientId: p.alice.identityId,
        providerId: p.hospital.identityId,
        category: 'laboratory',
        title: `Packed ${i}`,
        fhir: observation(p.alice, 600 + i),
      })),
    });
    expect(up.status).toBe(201);
    const ids = (up.body.records as Array<{ id: string }>).map((r) => r.id);
    const { nonce, deadline } = up.body.toSign.message;
    const signature = await signTyped(p.hospital.wallet, up.body.toSign);
    expect(
      (await rec(p.hospital.token, 'POST', '/records/batch/anchor', { recordIds: ids, nonce, deadline, signature }))
        .status,
    ).toBe(202);
    await allIn(ids, 'pending');
    const [before] = await s.recordsDb.query('select blob_key from records where id = $1', [ids[1]]);
    const blobs = s.records.get(EncryptedBlobStore);

    expect((await rec(p.bob.token, 'DELETE', `/records/${ids[1]}`)).status).toBe(403);
    expect((await rec(p.hospital.token, 'DELETE', `/records/${ids[1]}`)).status).toBe(403);
    const erased = await rec(p.alice.token, 'DELETE', `/records/${ids[1]}`);
    expect([erased.status, erased.body.status]).toEqual([200, 'erased']);

    const gone = await read(p.alice, ids[1]!);
    expect([gone.status, gone.body.error, gone.body.resource]).toEqual([410, 'RecordErased', undefined]);
    for (const [i, id] of [ids[0]!, ids[2]!].entries()) {
      const res = await read(p.alice, id);
      expect([res.status, res.body.resource]).toEqual([200, observation(p.alice, 600 + i * 2)]);
    }
    const rows = await s.recordsDb.query('select id, blob_key from records where id = any($1::uuid[])', [ids]);
    const packs = new Set(
      rows.filter((r: { id: string }) => r.id !== ids[1]).map((r: { blob_key: string }) => r.blob_key.split('#')[0]),
    );
    expect(packs.size).toBe(1);
    expect([...packs][0]).not.toBe(before.blob_key.split('#')[0]);
    // The old pack — the only place the erased frame's data key was — is removed a few seconds later.
    await until(
      'old pack removed',
      () =>
        blobs.getRaw(before.blob_key).then(
          () => false,
          () => true,
        ),
      20_000,
    );
    const again = await rec(p.alice.token, 'DELETE', `/records/${ids[1]}`);
    expect([again.status, again.body.error]).toEqual([409, 'RecordErased']);
  });
});

describe('one tenant never fails another', () => {
  it("commits a provider's uploads while another sends unstorable text into the same group commit", async () => {
    const bad = Array.from({ length: 5 }, (_, i) =>
      rec(p.clinic.token, 'POST', '/records', {
        patientId: p.bob.identityId,
        providerId: p.clinic.identityId,
        category: 'laboratory',
        title: `bad\u0000title ${i}`,
        fhir: observation(p.bob, i),
      }),
    );
    const good = Array.from({ length: 5 }, (_, i) => uploadAndSign(p.hospital, p.alice, 7000 + i));
    const refused = await Promise.all(bad);
    expect(refused.map((r) => r.status)).toEqual([400, 400, 400, 400, 400]);
    const ids = await Promise.all(good);
    await allIn(ids, 'pending');
  });
  it('sweeps a pack no committed record references, and keeps one a record lives in', async () => {
    const blobs = s.records.get(EncryptedBlobStore);
    const prefix = `packs/sweep-test-${randomUUID()}/`;
    const [orphan] = await blobs.putMany(`${prefix}orphan`, [
      { plaintext: Buffer.from('x'), contentType: 'text/plain' },
    ]);
    const [kept] = await blobs.putMany(`${prefix}kept`, [{ plaintext: Buffer.from('y'), contentType: 'text/plain' }]);
    const id = await signedUpload(p.hospital, p.alice, 5200);
    await s.recordsDb.query('update records set blob_key = $2 where id = $1', [id, kept!.key]);
    const sweeper = s.records.get(OrphanPackSweeper);
    const inAnHour = new Date(Date.now() + 3600_000);
    expect(await sweeper.sweepOnce(new Date(), prefix)).toEqual([]); // too young to be judged
    expect(await sweeper.sweepOnce(inAnHour, prefix)).toEqual([`${prefix}orphan`]);
    expect(await blobs.listOlderThan(prefix, inAnHour)).toEqual([`${prefix}kept`]);
    expect(orphan!.key.startsWith(`${prefix}orphan#`)).toBe(true);
  });
});

describe('the gatekeeper and the anchored root', () => {
  const read = (reader: Party, recordId: string) =>
    signedRead(reader.wallet, s.gatekeeperDomain, recordId, 'treatment').then((signed) =>
      rec(reader.token, 'POST', `/records/${recordId}/read`, signed),
    );

  it('refuses a row whose batch root is missing, not anchored or altered, and serves it once restored', async () => {
    const [id] = await inParallel(1, 1, (i) => uploadAndSign(p.hospital, p.alice, 5000 + i));
    await allIn([id!], 'pending');
    expect((await read(p.alice, id!)).status).toBe(200);
    const [row] = await s.recordsDb.query('select anchor_root, anchor_proof from records where id = $1', [id]);
    const set = (root: string | null, proof: string | null) =>
      s.recordsDb.query('update records set anchor_root = $2, anchor_proof = $3 where id = $1', [id, root, proof]);

    await set(null, row.anchor_proof);
    const missing = await read(p.alice, id!);
    expect([missing.status, missing.body.error]).toEqual([404, 'RecordNotFound']);

    await set('0x' + 'ab'.repeat(32), row.anchor_proof); // a root the chain never saw
    const unanchored = await read(p.alice, id!);
    expect([unanchored.status, unanchored.body.error]).toEqual([404, 'RecordNotFound']);

    await set(
      row.anchor_root,
      ['0x' + '01'.repeat(32), ...(row.anchor_proof || '').split(',')].filter(Boolean).join(','),
    );
    const altered = await read(p.alice, id!);
    expect([altered.status, altered.body.error]).toEqual([409, 'IntegrityViolation']);

    await set(row.anchor_root, row.anchor_proof);
    expect((await read(p.alice, id!)).status).toBe(200);
  });

  it('audits a read refused for its input: the patient sees the attempt, the bad value only as a hash', async () => {
    const [id] = await inParallel(1, 1, (i) => signedUpload(p.hospital, p.alice, 5100 + i));
    await allIn([id!], 'pending');
    const signed = await signedRead(p.pharmacy.wallet, s.gatekeeperDomain, id!, 'treatment');
    const bad = { ...signed, request: { ...signed.request, purpose: 'treat\u0000ment' } };
    const refused = await rec(p.pharmacy.token, 'POST', `/records/${id}/read`, bad);
    expect([refused.status, Object.keys(refused.body.fields ?? {})]).toEqual([400, ['request.purpose']]);
    const log = await rec(p.alice.token, 'GET', `/records/${id}/access-log`);
    const entry = (log.body as Array<{ readerSubject: string; reason: string; auditEvent: unknown }>).find(
      (e) => e.readerSubject === p.pharmacy.subject && e.reason === 'BadRequest',
    );
    expect(entry).toBeDefined();
    expect(JSON.stringify(entry!.auditEvent)).toMatch(/invalid-request:sha256:[0-9a-f]{64}/);
    expect(JSON.stringify(entry)).not.toContain('treat\\u0000');
    // Without a valid token nothing is audited: the caller hears 401 before anything about its input.
    const anonymous = await rec('not-a-token', 'POST', `/records/${id}/read`, bad);
    expect(anonymous.status).toBe(401);
  });

  it('does not serve a record to a third party before its batch is anchored', async () => {
    const up = await rec(p.hospital.token, 'POST', '/records', {
      patientId: p.alice.identityId,
      providerId: p.hospital.identityId,
      category: 'laboratory',
      title: 'Unsigned',
      fhir: observation(p.alice, 1),
    });
    expect(up.status).toBe(201);
    const r = await read(p.pharmacy, up.body.record.id);
    expect(r.status).toBe(404);
    expect(r.body.error).toBe('RecordNotFound');
  });
});

describe('restarts', () => {
  it('loses and doubles nothing when the records service restarts while batches are cut and sent', async () => {
    const ids = await inParallel(100, 16, (i) => uploadAndSign(p.clinic, p.alice, 2000 + i));
    await s.restart('records');
    await allIn(ids, 'pending');
    const added: Array<{ n: string }> = await s.recordsDb.query(
      `select count(*)::text as n from uhr_events where stream_id = any($1::text[]) and type = 'records.RecordAdded'`,
      [ids],
    );
    expect(Number(added[0]!.n)).toBe(100);
    const roots: Array<{ root: string; status: string }> = await s.recordsDb.query(
      `select distinct b.root, b.status from record_batches b join records r on r.anchor_root = b.root
        where r.id = any($1::uuid[])`,
      [ids],
    );
    expect(roots.every((b) => b.status === 'anchored')).toBe(true);
    for (const b of roots) expect(await relationships.isAnchored!(b.root)).toBe(true);
    expect(await provenOnChain(p.clinic, ids[50]!)).toBe(true);
  });
});

function chainIdOf(party: Party): string {
  return '0x' + party.identityId.replace(/-/g, '').padStart(64, '0');
}
