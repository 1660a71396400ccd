// `npm run bench:records` (root), against the running stack (scripts/stack.sh up). Three phases:
// 1. ingest — single uploads ANCHORED end to end: BENCH_PROVIDERS providers, each with BENCH_CONCURRENCY requests
//    in flight for BENCH_INGEST_SECONDS; each request is POST /records, the AddRecord message signed on the
//    client, POST /records/:id/anchor. A record counts once its Merkle batch is mined (its RecordAdded event).
// 2. bulk — POST /records/batch of BENCH_BATCH records, one AddRecords signature, POST /records/batch/anchor;
//    BENCH_BATCH_CONCURRENCY in flight; counted the same way.
// 3. read — gatekeeper reads back to back and open loop at BENCH_READ_RATE/s, with the server's stages.
// Printed beside each figure: the machine's load, the records service's CPU per record, gas per record.
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { chainIdOf, parseServerTiming, readDeployment, TypedDataSigner } from '@uhr/platform';
import {
  cpuBetween,
  cpuPerUnit,
  loadStackEnv,
  repoRoot,
  sampleCpu,
  tokenFor,
  type CpuSample,
} from '@uhr/platform/testing';
import { relationshipsDomain, RELATIONSHIPS_TYPES } from '@uhr/contracts';
import { JsonRpcProvider } from 'ethers';
import pg from 'pg';
import { signRecoverable } from 'tiny-secp256k1';
import {
  CONTENT_SALT_BYTES,
  contentCommitmentOf,
  fhirBodyOf,
  pointerHashOf,
  sealedContentOf,
} from '../src/records/domain/on-chain.js';
import { answerRecord, addRecord, call, enrol, issueGrant, signTyped, signedRead, type Party } from '../demo/client.js';

const env = loadStackEnv();
const REGISTRAR = env.UHR_REGISTRAR_URL ?? 'http://127.0.0.1:3001';
const CONSENT = env.UHR_CONSENT_URL ?? 'http://127.0.0.1:3002';
const RECORDS = env.UHR_RECORDS_URL ?? 'http://127.0.0.1:3003';
const NOTIFICATIONS = env.UHR_NOTIFICATIONS_URL ?? 'http://127.0.0.1:3004';
const deployment = readDeployment(env.UHR_DEPLOYMENTS_FILE ?? '.uhr/deployments.json');
const gatekeeper = { chainId: deployment.chainId, verifyingContract: deployment.contracts.Relationships! };
const knob = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const SECONDS = knob('BENCH_INGEST_SECONDS', 120);
const PROVIDERS = knob('BENCH_PROVIDERS', 2);
const CONCURRENCY = knob('BENCH_CONCURRENCY', 16);
const BATCH = knob('BENCH_BATCH', 500);
const BATCH_CONCURRENCY = knob('BENCH_BATCH_CONCURRENCY', 2);
const READS = knob('BENCH_READS', 300);
const RATE = knob('BENCH_READ_RATE', 200);
const PHASES = new Set((process.env.BENCH_PHASES ?? 'ingest,bulk,read').split(','));

/** node:http over keep-alive sockets: the instrument should cost the shared CPU as little as it can. */
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
function post(path: string, token: string, text: string) {
  return new Promise<{ status: number; body: string; serverTiming: string }>((resolve, reject) => {
    const req = http.request(
      `${RECORDS}${path}`,
      {
        method: 'POST',
        agent,
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(text),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
            serverTiming: String(res.headers['server-timing'] ?? ''),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(text);
  });
}

const pct = (xs: number[], p: number) => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const load = () => `load ${loadavg()[0]!.toFixed(2)}`;

function fhir4k(patientId: string, i: number) {
  const base = {
    resourceType: 'Observation',
    status: 'final',
    code: { coding: [{ system: 'http://loinc.org', code: '2345-7', display: 'Glucose [Mass/volume] in Serum' }] },
    subject: { reference: `Patient/${patientId}` },
    valueQuantity: { value: 90 + (i % 40), unit: 'mg/dL' },
    note: [{ text: '' }],
  };
  base.note[0]!.text = 'x'.repeat(4096 - Buffer.byteLength(JSON.stringify(base)));
  return base;
}

/** AddRecord signed the way a provider's device would, with libsecp256k1 (ethers' JS curve costs ~2 ms). */
const addRecordSigner = new TypedDataSigner(relationshipsDomain(gatekeeper), {
  AddRecord: RELATIONSHIPS_TYPES.AddRecord,
});
function signAddRecord(party: Party, message: Record<string, unknown>): string {
  const digest = Buffer.from(addRecordSigner.digest(message).slice(2), 'hex');
  const { signature, recoveryId } = signRecoverable(digest, Buffer.from(party.wallet.privateKey.slice(2), 'hex'));
  return '0x' + Buffer.from(signature).toString('hex') + (27 + recoveryId).toString(16);
}

/** The records service's CPU seconds so far (utime + stime from /proc), for CPU per record. */
function recordsCpuSeconds(): number {
  const pid = readFileSync(join(repoRoot(), '.uhr', 'run', 'records.pid'), 'utf8').trim();
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

interface Measured {
  ids: string[];
  refused: number;
  cpu0: number;
  machine0: CpuSample;
  t0: number;
}

/** Waits until every record is anchored (or 120 s), then reads the figures from the records database. */
async function report(label: string, m: Measured, db: pg.Client, chain: JsonRpcProvider) {
  const deadline = Date.now() + 120_000;
  let pending = m.ids.length;
  while (pending > 0 && Date.now() < deadline) {
    const r = await db.query(
      `select count(*)::int as n from records where id = any($1::uuid[]) and status not in ('pending','accepted')`,
      [m.ids],
    );
    pending = r.rows[0].n;
    if (pending > 0) await new Promise((res) => setTimeout(res, 250));
  }
  const cpu = recordsCpuSeconds() - m.cpu0;
  const machine = cpuBetween(m.machine0, sampleCpu());
  const { rows } = await db.query(
    `select extract(epoch from a.occurred_at - u.occurred_at) * 1000 as ms, extract(epoch from a.occurred_at) as at
       from uhr_events u join uhr_events a on a.stream_id = u.stream_id and a.type = 'records.RecordAdded'
      where u.type = 'records.RecordUploaded' and u.stream_id = any($1::text[])`,
    [m.ids],
  );
  const rejected = await db.query(
    `select count(*)::int as n from records where id = any($1::uuid[]) and status = 'anchor-rejected'`,
    [m.ids],
  );
  const lat = rows.map((r) => Number(r.ms));
  const lastAt = Math.max(...rows.map((r) => Number(r.at)));
  const secs = lastAt - m.t0 / 1000;
  const gas = await gasPerRecord(m.ids, db, chain);
  console.log(
    `${label}: ${rows.length}/${m.ids.length} anchored in ${secs.toFixed(1)} s = ${(rows.length / secs).toFixed(0)} records/s; ` +
      `upload → anchored p50 ${(pct(lat, 50) / 1000).toFixed(2)} s p99 ${(pct(lat, 99) / 1000).toFixed(2)} s; ` +
      `${m.refused + rejected.rows[0].n} rejected; gas/record ${gas.toFixed(0)}; ` +
      `records CPU ${((cpu * 1000) / m.ids.length).toFixed(2)} ms/record; ${load()}`,
  );
  console.log(`  ${cpuPerUnit(machine, rows.length)}`);
}

async function gasPerRecord(ids: string[], db: pg.Client, chain: JsonRpcProvider): Promise<number> {
  const { rows } = await db.query(
    `select b.tx_hash, b.leaf_count from record_batches b
      where b.root in (select distinct anchor_root from records where id = any($1::uuid[])) and b.tx_hash is not null`,
    [ids],
  );
  let gas = 0n;
  let leaves = 0;
  for (const b of rows) {
    const receipt = await chain.getTransactionReceipt(b.tx_hash);
    gas += receipt?.gasUsed ?? 0n;
    leaves += b.leaf_count;
  }
  return leaves === 0 ? NaN : Number(gas) / leaves;
}

/**
 * Phase 1: each provider keeps CONCURRENCY uploads in flight, each ONE request: the record id and salt chosen
 * here, the AddRecord signed before sending (ADR 0012), the record stored already queued for its Merkle batch.
 */
async function singles(providers: Party[], patients: Party[]): Promise<Measured> {
  const m: Measured = { ids: [], refused: 0, cpu0: recordsCpuSeconds(), machine0: sampleCpu(), t0: Date.now() };
  const bodies = patients.flatMap((pt) => Array.from({ length: 8 }, (_, i) => signableBody(pt, i)));
  const until = Date.now() + SECONDS * 1000;
  const worker = async (prov: Party, w: number) => {
    for (let i = w; Date.now() < until; i += CONCURRENCY) {
      const { recordId, text } = bodies[i % bodies.length]!.signedBy(prov, i);
      const up = await post('/records', prov.token, text);
      if (up.status === 202) m.ids.push(recordId);
      else m.refused++;
    }
  };
  await Promise.all(providers.flatMap((prov) => Array.from({ length: CONCURRENCY }, (_, w) => worker(prov, w))));
  return m;
}

/** A 4 KiB Observation hashed once (RFC 8785 bytes); each upload of it gets its own id, salt and signature. */
function signableBody(patient: Party, i: number) {
  const fhir = fhir4k(patient.identityId, i);
  const body = fhirBodyOf(fhir);
  const fhirText = JSON.stringify(fhir);
  const pointer = {
    scheme: 2,
    blobKey: '',
    category: 'laboratory',
    kind: 'fhir',
    resourceType: 'Observation',
  } as const;
  const pointerHash = pointerHashOf({ ...pointer, contentType: 'application/fhir+json' });
  return {
    signedBy(prov: Party, n: number) {
      const recordId = randomUUID();
      const salt = randomBytes(CONTENT_SALT_BYTES);
      const message = {
        providerId: chainIdOf(prov.identityId),
        patientId: chainIdOf(patient.identityId),
        recordId: chainIdOf(recordId),
        contentHash: contentCommitmentOf(sealedContentOf(salt, body)),
        pointerHash,
        nonce: BigInt('0x' + randomBytes(16).toString('hex')).toString(),
        deadline: String(Math.floor(Date.now() / 1000) + 3600),
      };
      const anchor = { nonce: message.nonce, deadline: message.deadline, signature: signAddRecord(prov, message) };
      const head = JSON.stringify({
        patientId: patient.identityId,
        providerId: prov.identityId,
        category: 'laboratory',
        title: `Glucose ${n}`,
        recordId,
        salt: '0x' + salt.toString('hex'),
        anchor,
      });
      return { recordId, text: `${head.slice(0, -1)},"fhir":${fhirText}}` };
    },
  };
}

function bodyText(patient: Party, provider: Party, i: number) {
  return JSON.stringify({
    patientId: patient.identityId,
    providerId: provider.identityId,
    category: 'laboratory',
    title: `Glucose ${i}`,
    fhir: fhir4k(patient.identityId, i),
  });
}

/** Phase 2: bulk batches, each anchored with one AddRecords signature. */
async function bulk(providers: Party[], patients: Party[]): Promise<Measured> {
  const m: Measured = { ids: [], refused: 0, cpu0: recordsCpuSeconds(), machine0: sampleCpu(), t0: Date.now() };
  const texts = providers.map((prov) =>
    JSON.stringify({
      records: Array.from({ length: BATCH }, (_, j) => JSON.parse(bodyText(patients[j % patients.length]!, prov, j))),
    }),
  );
  const until = Date.now() + SECONDS * 1000;
  const worker = async (w: number) => {
    for (let i = w; Date.now() < until; i += BATCH_CONCURRENCY) {
      const prov = providers[i % providers.length]!;
      const up = await post('/records/batch', prov.token, texts[i % providers.length]!);
      if (up.status !== 201) {
        m.refused += BATCH;
        continue;
      }
      const { records, toSign } = JSON.parse(up.body);
      const recordIds = (records as Array<{ id: string }>).map((r) => r.id);
      const signature = await signTyped(prov.wallet, toSign);
      const { nonce, deadline } = toSign.message;
      const a = await post(
        '/records/batch/anchor',
        prov.token,
        JSON.stringify({ recordIds, nonce, deadline, signature }),
      );
      if (a.status === 202) m.ids.push(...recordIds);
      else m.refused += recordIds.length;
    }
  };
  await Promise.all(Array.from({ length: BATCH_CONCURRENCY }, (_, w) => worker(w)));
  return m;
}

/** Phase 3: signed reads of one accepted record, back to back and open loop. */
async function reads(patient: Party, hospital: Party, pharmacy: Party) {
  const record = await addRecord(RECORDS, gatekeeper, hospital, patient, fhir4k(patient.identityId, 0));
  await answerRecord(RECORDS, patient, record.id);
  const grant = await issueGrant(CONSENT, patient, pharmacy, { recordIds: [record.id], purpose: 'dispensing' });
  const readers = [
    ['owner', patient, {}],
    ['grantee', pharmacy, { grantId: grant.chainId }],
    ['grantee (grant found via Consent.mayRead)', pharmacy, {}],
  ] as const;
  for (const [who, reader, opts] of readers) {
    for (const mode of ['closed', 'open'] as const) {
      const purpose = who === 'owner' ? 'self-care' : 'dispensing';
      const expiry = Math.floor(Date.now() / 1000) + 240;
      const signed = [];
      for (let i = 0; i < READS; i++) {
        signed.push(
          JSON.stringify(await signedRead(reader.wallet, gatekeeper, record.id, purpose, { ...opts, expiry })),
        );
      }
      const times: number[] = [];
      const machine0 = sampleCpu();
      const stages = new Map<string, number[]>();
      let failed = 0;
      const one = async (text: string, from: number) => {
        const r = await post(`/records/${record.id}/read`, reader.token, text).catch(() => undefined);
        times.push(performance.now() - from);
        if (r?.status !== 200) {
          failed++;
          return;
        }
        for (const [k, v] of Object.entries(parseServerTiming(r.serverTiming))) {
          stages.set(k, [...(stages.get(k) ?? []), v]);
        }
      };
      if (mode === 'closed') for (const text of signed) await one(text, performance.now());
      else {
        const start = performance.now() + 5;
        await Promise.all(
          signed.map(async (text, i) => {
            const at = start + (i * 1000) / RATE;
            await new Promise((r) => setTimeout(r, Math.max(0, at - performance.now())));
            await one(text, at);
          }),
        );
      }
      const how = mode === 'closed' ? 'back to back' : `open loop at ${RATE}/s`;
      console.log(
        `gatekeeper read as ${who}, ${how}: ${READS} reads (${failed} failed), p50 ${pct(times, 50).toFixed(1)} ms p99 ${pct(times, 99).toFixed(1)} ms; ${load()}`,
      );
      console.log(
        `  server stages p50/p99 ms: ${[...stages].map(([k, v]) => `${k} ${pct(v, 50).toFixed(1)}/${pct(v, 99).toFixed(1)}`).join(', ')}`,
      );
      console.log(`  ${cpuPerUnit(cpuBetween(machine0, sampleCpu()), READS, 'read')}`);
    }
  }
}

/**
 * Lets the previous phase's side effects drain before the next is measured: the records outbox published, and
 * the notifications consumer idle (its counts unchanged for 3 s), so reads are not timed against a backlog.
 */
async function settle(db: pg.Client) {
  for (;;) {
    const { rows } = await db.query('select count(*)::int as n from uhr_outbox where published_at is null');
    if (rows[0].n === 0) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  const token = await tokenFor('auditor-1');
  const counts = async () => JSON.stringify((await call(NOTIFICATIONS, token, 'GET', '/stats')).body?.consumer);
  let last = await counts();
  for (let quiet = 0; quiet < 3;) {
    await new Promise((r) => setTimeout(r, 1000));
    const now = await counts();
    quiet = now === last ? quiet + 1 : 0;
    last = now;
  }
}

async function main() {
  const registrar = await tokenFor('registrar-1');
  const as = async (username: string, kind: 'patient' | 'provider' | 'third-party', system: string) =>
    enrol(REGISTRAR, registrar, { username, token: await tokenFor(username), kind, system });
  const [alice, bob, hospital, clinic, pharmacy] = await Promise.all([
    as('patient-alice', 'patient', 'national-id'),
    as('patient-bob', 'patient', 'national-id'),
    as('provider-hospital', 'provider', 'organisation-id'),
    as('provider-clinic', 'provider', 'organisation-id'),
    as('pharmacist-1', 'third-party', 'pharmacy-licence'),
  ]);
  const providers = [hospital, clinic].slice(0, Math.max(1, PROVIDERS));
  // Wait until the records service learned the identities from the registrar's events.
  for (;;) {
    const r = await call(RECORDS, hospital.token, 'POST', '/records', { patientId: alice.identityId, fhir: {} });
    if (r.status === 400) break;
    await new Promise((res) => setTimeout(res, 200));
  }
  const db = new pg.Client({ connectionString: env.UHR_PG_URL!.replace(/\/[^/]*$/, '/uhr_records') });
  await db.connect();
  const chain = new JsonRpcProvider(env.UHR_CHAIN_RPC_URL, deployment.chainId, { staticNetwork: true });
  console.log(`records bench, ${new Date().toISOString()}, ${load()}, ${SECONDS} s a phase`);
  if (PHASES.has('ingest')) {
    const m = await singles(providers, [alice, bob]);
    await report(`ingest (single uploads, ${providers.length} providers x ${CONCURRENCY} in flight)`, m, db, chain);
    await settle(db);
  }
  if (PHASES.has('bulk')) {
    const m = await bulk(providers, [alice, bob]);
    await report(`bulk (batches of ${BATCH}, ${BATCH_CONCURRENCY} in flight)`, m, db, chain);
  }
  if (PHASES.has('read')) {
    await settle(db);
    await reads(alice, hospital, pharmacy);
  }
  await db.end();
  chain.destroy();
}

main().then(
  () => process.exit(0),
  (err: Error) => {
    console.error(`bench failed: ${err.message}`);
    process.exit(1);
  },
);
