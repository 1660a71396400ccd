// `npm run bench:billing` (root). Boots billing in-process on its own database against the running servers
// (scripts/stack.sh up: PostgreSQL, Kafka, Keycloak, anvil) and prints three figures:
// 1. import — a BENCH_ENTRIES-row official list (CSV, Indian grouping, 5-decimal ceilings) through
//    POST /schedules/import, end to end (parse, check every row, write, anchor queued);
// 2. validate — invoice lines priced against that schedule through POST /invoices (draft + verdicts), with
//    BENCH_LINES lines an invoice and BENCH_CONCURRENCY invoices in flight for BENCH_SECONDS;
// 3. domain — the pure verdict function over the same BENCH_ENTRIES entries, in one thread.
// Smoke: BENCH_ENTRIES=2000 BENCH_SECONDS=2 npm run bench:billing
import { randomBytes, randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import { tokenFor } from '@uhr/platform/testing';
import type { DataSource } from 'typeorm';
import { bootLocalBilling } from './local-billing.js';
import { verdictOf } from '../src/pricing/domain/line-verdict.js';
import { decimal } from '../src/pricing/domain/money.js';
import type { ScheduleEntry, ScheduleVersion } from '../src/pricing/domain/schedule.js';

const knob = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const ENTRIES = knob('BENCH_ENTRIES', 100_000);
// An inpatient stay's bill runs to hundreds of lines (drugs per dose, consumables): 200 is typical.
const LINES = knob('BENCH_LINES', 200);
const CONCURRENCY = knob('BENCH_CONCURRENCY', 4);
const SECONDS = knob('BENCH_SECONDS', 20);

const codeOf = (i: number) => `NLEM-${String(i).padStart(6, '0')}`;
/** ₹0.10000 to ₹1,09,999.9 with five decimals, Indian grouping above 999. */
const ceilingOf = (i: number) => {
  const paise = 10_000 + ((i * 7919) % 10_999_990_000);
  const rupees = Math.floor(paise / 100_000);
  const frac = String(paise % 100_000).padStart(5, '0');
  const s = String(rupees);
  const grouped = s.length <= 3 ? s : `${s.slice(0, -3).replace(/\B(?=(\d{2})+(?!\d))/g, ',')},${s.slice(-3)}`;
  return `${grouped}.${frac}`;
};

function officialCsv(n: number): Buffer {
  const rows = ['code,description,unit,ceiling_per_unit,tax_rate,tax_inclusive,regime,device_details_required'];
  for (let i = 0; i < n; i++) rows.push(`${codeOf(i)},Formulation ${i},TABLET,"${ceilingOf(i)}",12,no,HARD_CAP,no`);
  return Buffer.from(rows.join('\n'));
}

async function main() {
  const billing = await bootLocalBilling('uhr_billing_bench');
  try {
    console.log(
      `billing bench: ${ENTRIES} entries, load ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
    await importPhase(billing.url);
    const patientId = await seedPatient(billing.ds);
    await validatePhase(billing.url, patientId);
    domainPhase();
  } finally {
    await billing.close();
  }
}

async function post(url: string, user: string, path: string, body: unknown) {
  const res = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await tokenFor(user)}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as Record<string, unknown>;
  if (res.status >= 300) throw new Error(`${path}: ${res.status} ${JSON.stringify(json).slice(0, 500)}`);
  return json;
}

async function importPhase(url: string) {
  const file = officialCsv(ENTRIES);
  const body = {
    instrument: 'S.O. BENCH(E)',
    timeZone: 'Asia/Kolkata',
    currency: 'INR',
    effectiveFrom: '2025-04-01',
    recoveryInterestRate: '15',
    format: 'csv',
    content: file.toString('base64'),
  };
  const t0 = performance.now();
  await post(url, 'regulator-1', '/schedules/import', body);
  const s = (performance.now() - t0) / 1000;
  console.log(
    `import: ${ENTRIES} rows (${(file.length / 1e6).toFixed(1)} MB CSV) in ${s.toFixed(2)} s = ${Math.round(ENTRIES / s)} rows/s`,
  );
  const t1 = performance.now();
  await post(url, 'regulator-1', '/schedules/import', body);
  console.log(`import again (idempotent, nothing created): ${((performance.now() - t1) / 1000).toFixed(2)} s`);
}

/** The bench's patient, as the registrar's identity event would have put it in billing's directory. */
async function seedPatient(ds: DataSource): Promise<string> {
  const id = randomUUID();
  await ds.query(
    `insert into known_identities (id, chain_id, kind, address, subject, status) values ($1, $2, 'patient', $3, null, 'active')`,
    [id, '0x' + id.replace(/-/g, '').padStart(64, '0'), '0x' + randomBytes(20).toString('hex')],
  );
  return id;
}

async function validatePhase(url: string, patientId: string) {
  const invoice = () => ({
    patientId,
    currency: 'INR',
    invoicedAt: '2025-06-01T10:00:00+05:30',
    lines: Array.from({ length: LINES }, () => {
      const i = Math.floor(Math.random() * ENTRIES);
      return { code: codeOf(i), quantity: String(1 + (i % 30)), unitPrice: '0.10', taxRate: '12' };
    }),
  });
  // One login before the workers start: concurrent logins of one user can trip Keycloak's brute-force guard.
  await tokenFor('provider-hospital');
  let lines = 0;
  const latencies: number[] = [];
  const until = performance.now() + SECONDS * 1000;
  const worker = async () => {
    while (performance.now() < until) {
      const t = performance.now();
      await post(url, 'provider-hospital', '/invoices', invoice());
      latencies.push(performance.now() - t);
      lines += LINES;
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const s = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  const p = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!.toFixed(0);
  console.log(
    `validate (HTTP draft + verdicts): ${Math.round(lines / s)} lines/s (${latencies.length} invoices × ${LINES} lines, ` +
      `${CONCURRENCY} in flight, p50 ${p(0.5)} ms, p99 ${p(0.99)} ms per invoice)`,
  );
}

function domainPhase() {
  const entries = new Map<string, ScheduleEntry>();
  for (let i = 0; i < ENTRIES; i++) {
    const code = codeOf(i);
    entries.set(code, {
      code,
      description: '',
      unit: 'TABLET',
      ceilingPerUnit: decimal(ceilingOf(i).replace(/,/g, '')),
      taxInclusive: false,
      taxRate: decimal('12'),
      regime: 'HARD_CAP',
      deviceDetailsRequired: false,
    });
  }
  const version: ScheduleVersion = {
    versionId: 'bench',
    instrument: 'S.O. BENCH(E)',
    regulator: 'bench',
    timeZone: 'Asia/Kolkata',
    currency: 'INR',
    period: { from: '2025-04-01' },
    recoveryInterestRate: decimal('15'),
    entries,
  };
  const ctx = { versions: [version], packs: new Map(), currency: 'INR', invoicedAt: new Date('2025-06-01T04:30:00Z') };
  const n = Math.max(10_000, Math.min(200_000, ENTRIES * 2));
  const t0 = performance.now();
  for (let k = 0; k < n; k++) {
    const i = (k * 7919) % ENTRIES;
    verdictOf(
      { code: codeOf(i), quantity: decimal('10'), unitPrice: decimal('0.10'), taxRate: decimal('12'), currency: 'INR' },
      ctx,
    );
  }
  const s = (performance.now() - t0) / 1000;
  console.log(`validate (domain, one thread): ${Math.round(n / s)} lines/s over ${n} lines`);
}

await main();
