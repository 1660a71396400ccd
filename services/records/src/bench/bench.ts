// `npm run bench:records -w @uhr/records`, against the running records + consent services (scripts/stack.sh).
// 1. Ingest: 4 KiB FHIR records POSTed by a provider, counted when the service answers 201 — encrypted,
//    stored in S3 and committed with its events (durably accepted; on-chain anchoring is the signed second step).
// 2. Gatekeeper: signed reads of one accepted record, as its patient (owner) and as a grantee (grant checked
//    against the chain on each read), sequential, client-observed latency (HTTP + JWT + EIP-712 + chain + S3 +
//    audit row).
import http from 'node:http';
import { loadStackEnv, tokenFor } from '@uhr/platform/testing';
import { parseServerTiming, readDeployment } from '@uhr/platform';
import { addRecord, answerRecord, call, enrolStoryParties, issueGrant, signedRead } from '../demo/client.js';

const env = loadStackEnv();
const REGISTRAR = env.UHR_REGISTRAR_URL ?? 'http://127.0.0.1:3001';
const CONSENT = env.UHR_CONSENT_URL ?? 'http://127.0.0.1:3002';
const RECORDS = env.UHR_RECORDS_URL ?? 'http://127.0.0.1:3003';
const deployment = readDeployment(env.UHR_DEPLOYMENTS_FILE ?? '.uhr/deployments.json');
const gatekeeper = { chainId: deployment.chainId, verifyingContract: deployment.contracts.Relationships! };
const INGEST_SECONDS = Number(process.env.BENCH_INGEST_SECONDS ?? 10);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const READS = Number(process.env.BENCH_READS ?? 300);
const PHASES = new Set((process.env.BENCH_PHASES ?? 'ingest,bulk,read').split(','));

/**
 * POST with node:http over one keep-alive connection: the measuring instrument should cost the shared CPU as
 * little as it can (undici's fetch costs a few hundred µs more per call here).
 */
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
function postJson(url: string, token: string, body: unknown) {
  const text = JSON.stringify(body);
  return new Promise<{ status: number; body: string; serverTiming: string }>((resolve, reject) => {
    const req = http.request(
      url,
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

function fhir4k(patientId: string, i: number) {
  const base = {
    resourceType: 'Observation',
    status: 'final',
    code: {
      coding: [{ system: 'http://loinc.org', code: '2345-7', display: 'Glucose [Mass/volume] in Serum or Plasma' }],
    },
    subject: { reference: `Patient/${patientId}` },
    valueQuantity: { value: 90 + (i % 40), unit: 'mg/dL' },
    note: [{ text: '' }],
  };
  base.note[0]!.text = 'x'.repeat(4096 - Buffer.byteLength(JSON.stringify(base)));
  return base;
}

async function main() {
  const { patient, hospital, pharmacy } = await enrolStoryParties(REGISTRAR);
  // Wait for both services to have learned the identities from the registrar's events.
  for (;;) {
    const r = await call(RECORDS, hospital.token, 'POST', '/records', {
      patientId: patient.identityId,
      providerId: hospital.identityId,
      category: 'laboratory',
      title: 'probe',
      fhir: {},
    });
    if (r.status === 400) break;
    await new Promise((res) => setTimeout(res, 200));
  }
  const record = await addRecord(RECORDS, hospital, patient, fhir4k(patient.identityId, 0));
  await answerRecord(RECORDS, patient, record.id);
  const grant = await issueGrant(CONSENT, patient, pharmacy, { recordIds: [record.id], purpose: 'dispensing' });

  // Bodies are serialized before the clock starts (a few distinct ones, reused): the client shares the 2 cores
  // with every server, and building megabytes of JSON per request would be measuring the client.
  const post = async (path: string, text: string) => {
    const res = await fetch(`${RECORDS}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${hospital.token}`, 'content-type': 'application/json' },
      body: text,
    });
    const reply = await res.text();
    return { status: res.status, body: reply };
  };
  const VARIANTS = 8;

  // 1. Ingest.
  const body = (i: number) => ({
    patientId: patient.identityId,
    providerId: hospital.identityId,
    category: 'laboratory',
    title: `Glucose ${i}`,
    fhir: fhir4k(patient.identityId, i),
  });
  let ok = 0;
  let failed = 0;
  const lat: number[] = [];
  const singles = Array.from({ length: VARIANTS * CONCURRENCY }, (_, i) => JSON.stringify(body(i)));
  const until = Date.now() + (PHASES.has('ingest') ? INGEST_SECONDS * 1000 : 0);
  const t0 = Date.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async (_, w) => {
      for (let i = w; Date.now() < until; i += CONCURRENCY) {
        const s = performance.now();
        const r = await post('/records', singles[i % singles.length]!);
        lat.push(performance.now() - s);
        if (r.status === 201) ok++;
        else failed++;
      }
    }),
  );
  const secs = (Date.now() - t0) / 1000;
  if (PHASES.has('ingest'))
    console.log(
      `ingest: ${ok} records of 4 KiB in ${secs.toFixed(1)} s = ${(ok / secs).toFixed(0)} records/s (concurrency ${CONCURRENCY}, ${failed} failed); latency p50 ${pct(lat, 50).toFixed(1)} ms p99 ${pct(lat, 99).toFixed(1)} ms`,
    );

  // 1b. Bulk ingest: batches of BENCH_BATCH records per request (POST /records/batch takes up to 1,000), each
  // batch one S3 object (a pack) and one transaction.
  const BATCH = Number(process.env.BENCH_BATCH ?? 500);
  const BATCH_CONCURRENCY = Number(process.env.BENCH_BATCH_CONCURRENCY ?? 2);
  const batches = PHASES.has('bulk')
    ? Array.from({ length: VARIANTS }, (_, v) =>
        JSON.stringify({ records: Array.from({ length: BATCH }, (_, j) => body(v * BATCH + j)) }),
      )
    : [];
  let bOk = 0;
  let bFailed = 0;
  const bLat: number[] = [];
  const bUntil = Date.now() + (PHASES.has('bulk') ? INGEST_SECONDS * 1000 : 0);
  const b0 = Date.now();
  await Promise.all(
    Array.from({ length: BATCH_CONCURRENCY }, async (_, w) => {
      for (let i = w; Date.now() < bUntil; i += BATCH_CONCURRENCY) {
        const s = performance.now();
        const r = await post('/records/batch', batches[i % VARIANTS]!);
        bLat.push(performance.now() - s);
        if (r.status === 201) bOk += BATCH;
        else {
          bFailed += BATCH;
          if (bFailed === BATCH) console.error(`batch refused: ${r.status} ${r.body.slice(0, 300)}`);
        }
      }
    }),
  );
  const bSecs = (Date.now() - b0) / 1000;
  if (PHASES.has('bulk'))
    console.log(
      `bulk ingest: ${bOk} records of 4 KiB in ${bSecs.toFixed(1)} s = ${(bOk / bSecs).toFixed(0)} records/s (batches of ${BATCH}, concurrency ${BATCH_CONCURRENCY}, ${bFailed} failed); batch latency p50 ${pct(bLat, 50).toFixed(0)} ms p99 ${pct(bLat, 99).toFixed(0)} ms`,
    );

  // 2. Gatekeeper reads.
  // Reads are measured on a settled platform: the ingest's events published (records' outbox empty) and a few
  // seconds for their consumers, so a backlog from the ingest phases does not land in the read figures.
  if (PHASES.has('read') && (PHASES.has('ingest') || PHASES.has('bulk'))) {
    for (;;) {
      const auditor = { authorization: `Bearer ${await tokenFor('auditor-1')}` };
      const health = (await fetch(`${RECORDS}/health`, { headers: auditor }).then((r) => r.json())) as {
        info?: { kafka?: { outboxPending?: number } };
      };
      if ((health.info?.kafka?.outboxPending ?? 0) === 0) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    await new Promise((r) => setTimeout(r, 5000));
  }
  const expiry = () => Math.floor(Date.now() / 1000) + 240;
  const readers = [
    ['owner', patient, {}],
    ['grantee', pharmacy, { grantId: grant.chainId }],
    ['grantee (grant found via Consent.mayRead)', pharmacy, {}],
  ] as const;
  // Closed loop: one reader, back to back (the box's saturation: each read's side effects — audit event, relay,
  // Kafka, the patient's notification — overlap the next read). Open loop: BENCH_READ_RATE reads a second sent
  // on a fixed schedule whatever the answers, latency counted from the scheduled send (no coordinated omission).
  const RATE = Number(process.env.BENCH_READ_RATE ?? 40);
  for (const [who, reader, opts] of PHASES.has('read') ? readers : []) {
    const purpose = who === 'owner' ? 'self-care' : 'dispensing';
    for (const mode of ['closed', 'open'] as const) {
      if (mode === 'open' && !(RATE > 0)) continue;
      // Requests are signed before the clock starts, as a reader's own device would (signing costs ~2 ms of CPU,
      // taken from the servers on this shared 2-core box); each is still single-use (own nonce).
      const signed: Array<Awaited<ReturnType<typeof signedRead>>> = [];
      for (let i = 0; i < READS; i++) {
        signed.push(await signedRead(reader.wallet, gatekeeper, record.id, purpose, { ...opts, expiry: expiry() }));
      }
      const times: number[] = [];
      const stages = new Map<string, number[]>();
      const slowest: Array<[number, string]> = [];
      const one = async (req: Awaited<ReturnType<typeof signedRead>>, from: number) => {
        const r = await postJson(`${RECORDS}/records/${record.id}/read`, reader.token, req);
        const ms = performance.now() - from;
        times.push(ms);
        if (r.status !== 200) throw new Error(`read failed: ${r.status} ${r.body}`);
        slowest.push([ms, r.serverTiming]);
        for (const [k, v] of Object.entries(parseServerTiming(r.serverTiming))) {
          if (!stages.has(k)) stages.set(k, []);
          stages.get(k)!.push(v);
        }
      };
      if (mode === 'closed') {
        for (const req of signed) await one(req, performance.now());
      } else {
        const start = performance.now() + 5;
        await Promise.all(
          signed.map(async (req, i) => {
            const at = start + (i * 1000) / RATE;
            await new Promise((r) => setTimeout(r, Math.max(0, at - performance.now())));
            await one(req, at);
          }),
        );
      }
      const how = mode === 'closed' ? 'back to back' : `open loop at ${RATE}/s`;
      console.log(
        `gatekeeper read as ${who}, ${how}: ${READS} signed reads, p50 ${pct(times, 50).toFixed(1)} ms p99 ${pct(times, 99).toFixed(1)} ms max ${Math.max(...times).toFixed(1)} ms`,
      );
      console.log(
        `  server stages p50/p99 ms (Server-Timing; stages overlap): ${[...stages]
          .map(([k, v]) => `${k} ${pct(v, 50).toFixed(1)}/${pct(v, 99).toFixed(1)}`)
          .join(', ')}`,
      );
      if (process.env.BENCH_SLOWEST) {
        for (const [ms, st] of slowest.sort((a, b) => b[0] - a[0]).slice(0, Number(process.env.BENCH_SLOWEST))) {
          console.log(`  slow read ${ms.toFixed(1)} ms: ${st}`);
        }
      }
    }
  }
}

main().then(
  () => process.exit(0),
  (err: Error) => {
    console.error(`bench failed: ${err.message}`);
    process.exit(1);
  },
);
