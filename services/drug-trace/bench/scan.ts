/**
 * Scan-intake throughput: parseScan on the forms a pharmacy scanner sends, plus the canonical renderings.
 * Usage: npm run bench:scan -w @uhr/drug-trace  (SCAN_BENCH_N=iterations per case, default 200000)
 */
import { loadavg } from 'node:os';
import { canonicalDigitalLink, parseScan, sgtinUrn, type PackIdentity } from '../src/scan/index.js';

const GS = '\x1d';
const N = Number(process.env.SCAN_BENCH_N ?? 200_000);

function serialAt(i: number): string {
  return `S${(1_000_000 + i).toString(36).toUpperCase()}`;
}

const CASES: [string, (i: number) => string][] = [
  [
    'GS1 DataMatrix ]d2 (01)(17)(10)(21)',
    (i) => ']d2' + '01' + '09520123456788' + '17' + '280200' + '10' + 'LOT42' + GS + '21' + serialAt(i),
  ],
  ['bracketed HRI', (i) => `(01)09520123456788(17)280200(10)LOT42(21)${serialAt(i)}`],
  ['Digital Link ]Q1', (i) => `]Q1https://example.com/p/01/09520123456788/10/LOT42/21/${serialAt(i)}?17=280200`],
  ['bad check digit (refused)', (i) => ']d2' + '01' + '09520123456789' + '17' + '280200' + '21' + serialAt(i)],
];

function measure(name: string, make: (i: number) => string): void {
  const inputs = Array.from({ length: 1024 }, (_, i) => make(i));
  let ok = 0;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < N; i++) if (parseScan(inputs[i & 1023] as string).ok) ok++;
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  console.log(
    `${name.padEnd(40)} ${Math.round(N / s)
      .toLocaleString('en')
      .padStart(12)} scans/s  (${ok} ok of ${N})`,
  );
}

function measureRender(): void {
  const r = parseScan(']d2' + '01' + '09520123456788' + '17' + '280200' + '10' + 'LOT42' + GS + '21' + 'S1');
  if (!r.ok) throw new Error(r.error.message);
  const id: PackIdentity = r.identity;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < N; i++) {
    canonicalDigitalLink(id);
    sgtinUrn(id, 7);
  }
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  console.log(
    `${'canonicalDigitalLink + sgtinUrn'.padEnd(40)} ${Math.round(N / s)
      .toLocaleString('en')
      .padStart(12)} ids/s`,
  );
}

console.log(
  `scan bench: ${N} iterations per case, node ${process.version}, load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
for (const [name, make] of CASES) measure(name, make);
measureRender();
