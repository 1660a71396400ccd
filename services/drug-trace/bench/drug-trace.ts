// `npm run bench:drug-trace` (root): the drug-trace app in-process on its own database against the running
// platform (PostgreSQL, Kafka, Keycloak, anvil), or a running service with BENCH_URL. Either way it first registers
// its master data through the API (demo/master-data.ts; what is registered already is left as it is). Phases:
// capture (commissioning documents), verify single (closed loop), verify bulk (1,000 a request), and, in-process,
// PostgreSQL bytes per serial. Each figure is printed with the machine's load.
// Knobs: BENCH_SERIALS (commissioned), BENCH_EVENTS_PER_DOC, BENCH_SECONDS, BENCH_CONCURRENCY,
// BENCH_PHASES (capture,single,bulk), BENCH_RUN (reuse the serials of an earlier run: its printed run id),
// BENCH_SERVER_PID (with BENCH_URL: the service's pid, for its CPU per request).
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { createServiceApp } from '@uhr/platform';
import { loadStackEnv, tokenFor } from '@uhr/platform/testing';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { drugTraceConfig } from '../src/config.js';
import { DRUG_TRACE_APP_OPTIONS, DrugTraceModule } from '../src/drug-trace.module.js';
import { GCP, GLN, GTIN, registerMasterData, sgln, type Call } from '../demo/master-data.js';

const knob = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const SERIALS = knob('BENCH_SERIALS', 20_000);
const PER_DOC = knob('BENCH_EVENTS_PER_DOC', 500);
const SECONDS = knob('BENCH_SECONDS', 20);
const CONCURRENCY = knob('BENCH_CONCURRENCY', 32);
/** Serials of this run (a service benchmarked twice keeps the first run's packs). */
const RUN = process.env.BENCH_RUN ?? `B${randomBytes(3).toString('hex')}`;
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

/** One login per user per 20 s: Keycloak's brute-force detection counts logins in quick succession as failures. */
const tokens = new Map<string, { token: Promise<string>; at: number }>();
function token(user: string): Promise<string> {
  const hit = tokens.get(user);
  if (hit && Date.now() - hit.at < 20_000) return hit.token;
  const fresh = { token: tokenFor(user), at: Date.now() };
  tokens.set(user, fresh);
  return fresh.token;
}

/** The bench's API calls (master data, capture) as one of the realm's users; other statuses than `ok` throw. */
const callAt =
  (base: string): Call =>
  async (user, method, path, body, ok = [200, 201, 202]) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${await token(user)}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!ok.includes(res.status)) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };

const commissioning = (serial: number) => ({
  type: 'ObjectEvent',
  eventTime: new Date(Date.UTC(2027, 0, 1) + serial).toISOString(),
  eventTimeZoneOffset: '+00:00',
  epcList: [`urn:epc:id:sgtin:${GCP}.054321.${RUN}${serial}`],
  action: 'ADD',
  bizStep: 'commissioning',
  readPoint: { id: sgln(GLN.maker) },
  bizLocation: { id: sgln(GLN.maker) },
  ilmd: { 'cbvmda:lotNumber': 'BLOT', 'cbvmda:itemExpirationDate': '2030-12-31' },
});

async function capture(call: Call) {
  const t0 = performance.now();
  const docs = Math.ceil(SERIALS / PER_DOC);
  let next = 0;
  const worker = async () => {
    for (let d = next++; d < docs; d = next++) {
      const events = Array.from({ length: Math.min(PER_DOC, SERIALS - d * PER_DOC) }, (_, i) =>
        commissioning(d * PER_DOC + i),
      );
      await call('manufacturer-1', 'POST', '/capture', {
        '@context': ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'],
        type: 'EPCISDocument',
        schemaVersion: '2.0',
        creationDate: new Date().toISOString(),
        epcisBody: { eventList: events },
      });
      if (docs >= 100 && d % Math.floor(docs / 10) === 0)
        console.log(`  … ${d * PER_DOC} serials, ${(performance.now() - t0) / 1000} s  (load ${load()})`);
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  const s = (performance.now() - t0) / 1000;
  console.log(
    `capture   ${SERIALS} events in ${docs} documents of ${PER_DOC}: ${(SERIALS / s).toFixed(0)} events/s  (load ${load()})`,
  );
}

/**
 * CPU seconds the service has used so far: its own process when in-process (client included), else the process
 * BENCH_SERVER_PID names (/proc/<pid>/stat utime + stime), so a phase's CPU per request is the server's alone.
 */
function serverCpuSeconds(): number {
  const pid = process.env.BENCH_SERVER_PID;
  if (!pid) {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e6;
  }
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (100 Hz)
}

const pct = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!.toFixed(1);

/**
 * A closed loop of `workers` clients for SECONDS. Every answer must be a 200 whose verdicts are all ACTIVE (the
 * packs were just commissioned): anything else is counted, and an HTTP error fails the bench.
 */
async function verifyLoop(base: string, label: string, workers: number, path: string, body: () => unknown) {
  const authorization = `Bearer ${await token('pharmacist-1')}`;
  const latencies: number[] = [];
  let scans = 0;
  let falseAlerts = 0;
  const until = performance.now() + SECONDS * 1000;
  const cpu0 = serverCpuSeconds();
  const worker = async () => {
    while (performance.now() < until) {
      const t = performance.now();
      const res = await fetch(`${base}${path}`, {
        method: 'POST',
        headers: { authorization, 'content-type': 'application/json' },
        body: JSON.stringify(body()),
      });
      const text = await res.text();
      if (res.status !== 200) throw new Error(`POST ${path}: ${res.status} ${text.slice(0, 300)}`);
      latencies.push(performance.now() - t);
      const r = JSON.parse(text) as { code?: string; results?: Array<{ code?: string }> };
      const verdicts = r.results ?? [r];
      scans += verdicts.length;
      falseAlerts += verdicts.filter((x) => x.code !== 'ACTIVE').length;
    }
  };
  await Promise.all(Array.from({ length: workers }, worker));
  const cpuMs = ((serverCpuSeconds() - cpu0) * 1000) / latencies.length;
  latencies.sort((a, b) => a - b);
  console.log(
    `verify ${label.padEnd(6)} ${(scans / SECONDS).toFixed(0)} scans/s, ${latencies.length} requests, p50 ${pct(latencies, 50)} ms p99 ${pct(latencies, 99)} ms, false alerts on good scans ${falseAlerts}, ${cpuMs.toFixed(2)} ms CPU a request (${process.env.BENCH_SERVER_PID ? 'server' : 'server and client'})  (load ${load()})`,
  );
}

/** A pack commissioned by this run's capture phase. */
const identity = () => ({
  gtin: GTIN,
  serial: `${RUN}${Math.floor(Math.random() * SERIALS)}`,
  lot: 'BLOT',
  expiry: '2030-12-31',
});

/** The app in-process on a database of its own; `close` prints the storage per serial and drops the database. */
async function inProcess() {
  const env = loadStackEnv();
  const config = drugTraceConfig({
    ...process.env,
    PORT: '0',
    UHR_DATABASE: `uhr_drug_trace_bench_${randomBytes(4).toString('hex')}`,
    LOG_LEVEL: 'warn',
  });
  const app = await createServiceApp(DrugTraceModule.forRoot(config), config, DRUG_TRACE_APP_OPTIONS);
  await app.listen(0, '127.0.0.1');
  const db = app.get(DataSource);
  const close = async () => {
    await printStorage(db);
    await app.close();
    const admin = new pg.Client({ connectionString: env.UHR_PG_URL });
    await admin.connect();
    await admin.query(`drop database if exists "${config.database}" with (force)`);
    await admin.end();
  };
  return { base: (await app.getUrl()).replace('[::1]', '127.0.0.1'), close };
}

/** PostgreSQL bytes per commissioned serial: the packs table alone, and the whole database (events included). */
async function printStorage(db: DataSource) {
  const [size] = (await db.query(
    `select pg_total_relation_size('packs')::bigint as packs, pg_database_size(current_database())::bigint as db,
            (select count(*) from packs)::int as n`,
  )) as Array<{ packs: string; db: string; n: number }>;
  const per = (bytes: string) => (Number(bytes) / size!.n).toFixed(0);
  console.log(
    `storage   ${per(size!.packs)} bytes per serial in packs, ${per(size!.db)} in the whole database (${size!.n} serials, indexes and commissioning events included)`,
  );
}

async function main() {
  const phases = new Set((process.env.BENCH_PHASES ?? 'capture,single,bulk').split(','));
  const target = process.env.BENCH_URL ? { base: process.env.BENCH_URL, close: async () => {} } : await inProcess();
  const call = callAt(target.base);
  console.log(
    `drug-trace bench against ${target.base} (run ${RUN}): ${SERIALS} serials, ${SECONDS} s a phase, ${CONCURRENCY} in flight (load ${load()})`,
  );
  await registerMasterData(call, token);
  if (phases.has('capture')) await capture(call);
  if (phases.has('single'))
    await verifyLoop(target.base, 'single', CONCURRENCY, '/verify', () => ({ identity: identity() }));
  if (phases.has('bulk'))
    await verifyLoop(target.base, 'bulk', 4, '/verify/bulk', () => ({
      items: Array.from({ length: 1000 }, () => ({ identity: identity() })),
    }));
  await target.close();
}

await main();
process.exit(0);
