// `npm run bench:drug-trace` (root): the drug-trace app in-process on its own database against the running
// platform (PostgreSQL, Kafka, Keycloak, anvil), or a running service with BENCH_URL (its parties must then be
// registered already). Phases: capture (commissioning documents), verify single (closed loop), verify bulk
// (1,000 a request), and PostgreSQL bytes per serial. Each figure is printed with the machine's load.
// Knobs: BENCH_SERIALS (commissioned), BENCH_EVENTS_PER_DOC, BENCH_SECONDS, BENCH_CONCURRENCY.
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { createServiceApp } from '@uhr/platform';
import { loadStackEnv, tokenFor } from '@uhr/platform/testing';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { drugTraceConfig } from '../src/config.js';
import { DRUG_TRACE_APP_OPTIONS, DrugTraceModule } from '../src/drug-trace.module.js';

const knob = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const SERIALS = knob('BENCH_SERIALS', 20_000);
const PER_DOC = knob('BENCH_EVENTS_PER_DOC', 500);
const SECONDS = knob('BENCH_SECONDS', 20);
const CONCURRENCY = knob('BENCH_CONCURRENCY', 32);
const GCP = '9521234';
const GTIN = '09521234543213';
const MAKER_GLN = '9521234000006';
const PHARMACY_GLN = '9521234000020';
/** Serials of this run (a service benchmarked twice keeps the first run's packs). */
const RUN = `B${randomBytes(3).toString('hex')}`;
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
const subjectOf = (t: string) => JSON.parse(Buffer.from(t.split('.')[1]!, 'base64url').toString()).sub as string;

/** One login per user per 20 s: Keycloak's brute-force detection counts logins in quick succession as failures. */
const tokens = new Map<string, { token: Promise<string>; at: number }>();
function token(user: string): Promise<string> {
  const hit = tokens.get(user);
  if (hit && Date.now() - hit.at < 20_000) return hit.token;
  const fresh = { token: tokenFor(user), at: Date.now() };
  tokens.set(user, fresh);
  return fresh.token;
}

async function call(base: string, user: string, method: string, path: string, body?: unknown, tolerate = 0) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${await token(user)}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status >= 400 && res.status !== tolerate)
    throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : undefined;
}

async function seed(base: string) {
  const ids: Record<string, string> = {};
  for (const [user, role, gln] of [
    ['manufacturer-1', 'manufacturer', MAKER_GLN],
    ['pharmacist-1', 'pharmacist', PHARMACY_GLN],
  ]) {
    ids[role!] = (
      await call(base, 'admin-1', 'POST', '/parties', {
        subject: subjectOf(await token(user!)),
        role,
        name: role,
        gln,
      })
    ).id;
  }
  await call(base, 'admin-1', 'POST', '/manufacturers', {
    partyId: ids.manufacturer,
    gln: MAKER_GLN,
    name: 'Acme',
    companyPrefix: GCP,
  });
  await call(base, 'manufacturer-1', 'POST', '/products', {
    gtin: GTIN,
    manufacturerGln: MAKER_GLN,
    name: 'Bench',
    strength: '1 mg',
  });
  await call(base, 'manufacturer-1', 'POST', '/locations', {
    gln: MAKER_GLN,
    name: 'factory',
    latitude: 52.5,
    longitude: 13.4,
  });
  await call(base, 'pharmacist-1', 'POST', '/locations', {
    gln: PHARMACY_GLN,
    name: 'pharmacy',
    latitude: 52.5,
    longitude: 13.4,
  });
}

const commissioning = (serial: number) => ({
  type: 'ObjectEvent',
  eventTime: new Date(Date.UTC(2027, 0, 1) + serial).toISOString(),
  eventTimeZoneOffset: '+00:00',
  epcList: [`urn:epc:id:sgtin:${GCP}.054321.${RUN}${serial}`],
  action: 'ADD',
  bizStep: 'commissioning',
  readPoint: { id: `urn:epc:id:sgln:${GCP}.00000.0` },
  bizLocation: { id: `urn:epc:id:sgln:${GCP}.00000.0` },
  ilmd: { 'cbvmda:lotNumber': 'BLOT', 'cbvmda:itemExpirationDate': '2030-12-31' },
});

async function capture(base: string) {
  const t0 = performance.now();
  const docs = Math.ceil(SERIALS / PER_DOC);
  let next = 0;
  const worker = async () => {
    for (let d = next++; d < docs; d = next++) {
      const events = Array.from({ length: Math.min(PER_DOC, SERIALS - d * PER_DOC) }, (_, i) =>
        commissioning(d * PER_DOC + i),
      );
      await call(base, 'manufacturer-1', 'POST', '/capture', {
        '@context': ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'],
        type: 'EPCISDocument',
        schemaVersion: '2.0',
        creationDate: new Date().toISOString(),
        epcisBody: { eventList: events },
      });
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  const s = (performance.now() - t0) / 1000;
  console.log(
    `capture   ${SERIALS} events in ${docs} documents of ${PER_DOC}: ${(SERIALS / s).toFixed(0)} events/s  (load ${load()})`,
  );
}

const pct = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!.toFixed(1);

async function verifyLoop(base: string, label: string, body: () => unknown, path: string, scansPerCall: number) {
  const bearer = await token('pharmacist-1');
  const latencies: number[] = [];
  let bad = 0;
  const until = performance.now() + SECONDS * 1000;
  const worker = async () => {
    while (performance.now() < until) {
      const t = performance.now();
      const res = await fetch(`${base}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body()),
      });
      const r = (await res.json()) as { code?: string; results?: Array<{ code: string }> };
      latencies.push(performance.now() - t);
      bad += (r.results ?? [r]).filter((x) => x.code !== 'ACTIVE').length;
    }
  };
  await Promise.all(Array.from({ length: label === 'bulk' ? 4 : CONCURRENCY }, worker));
  latencies.sort((a, b) => a - b);
  const scans = latencies.length * scansPerCall;
  console.log(
    `verify ${label.padEnd(6)} ${(scans / SECONDS).toFixed(0)} scans/s, ${latencies.length} requests, p50 ${pct(latencies, 50)} ms p99 ${pct(latencies, 99)} ms, false alerts on good scans ${bad}  (load ${load()})`,
  );
}

const identity = () => ({
  gtin: GTIN,
  serial: `B${Math.floor(Math.random() * SERIALS)}`,
  lot: 'BLOT',
  expiry: '2030-12-31',
});

async function main() {
  const env = loadStackEnv();
  let base = process.env.BENCH_URL;
  let close = async () => {};
  if (!base) {
    const config = drugTraceConfig({
      ...process.env,
      PORT: '0',
      UHR_DATABASE: `uhr_drug_trace_bench_${randomBytes(4).toString('hex')}`,
      LOG_LEVEL: 'warn',
    });
    const app = await createServiceApp(DrugTraceModule.forRoot(config), config, DRUG_TRACE_APP_OPTIONS);
    await app.listen(0, '127.0.0.1');
    base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    const db = app.get(DataSource);
    close = async () => {
      const [size] = await db.query(
        `select pg_total_relation_size('packs')::bigint as bytes, (select count(*) from packs)::int as n`,
      );
      console.log(
        `storage   packs table ${(Number(size.bytes) / size.n).toFixed(0)} bytes per serial (${size.n} serials, indexes included)`,
      );
      await app.close();
      const admin = new pg.Client({ connectionString: env.UHR_PG_URL });
      await admin.connect();
      await admin.query(`drop database if exists "${config.database}" with (force)`);
      await admin.end();
    };
  }
  console.log(
    `drug-trace bench against ${base}: ${SERIALS} serials, ${SECONDS} s a phase, ${CONCURRENCY} in flight (load ${load()})`,
  );
  await capture(base);
  await verifyLoop(base, 'single', () => ({ identity: identity() }), '/verify', 1);
  await verifyLoop(
    base,
    'bulk',
    () => ({ items: Array.from({ length: 1000 }, () => ({ identity: identity() })) }),
    '/verify/bulk',
    1000,
  );
  await close();
}

await main();
process.exit(0);
