// Registrar command → confirmed on-chain latency, through the running service (scripts/stack.sh up).
// Each sample: POST /identities, then poll GET /identities/:id every 5 ms until chain.status is confirmed.
// Usage: npm run bench:registrar [-- --count 100 --concurrency 1]
import { readFileSync, existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';

const args = Object.fromEntries(
  process.argv
    .slice(2)
    .join(' ')
    .split('--')
    .filter(Boolean)
    .map((a) => a.trim().split(/\s+/)),
);
const count = Number(args.count ?? 100);
const concurrency = Number(args.concurrency ?? 1);
const envFile = new URL('../../../.uhr/env', import.meta.url);
if (existsSync(envFile)) {
  for (const line of readFileSync(envFile, 'utf8').split('\n')) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line);
    if (m && process.env[m[1]] === undefined) process.env[m[1]] = m[2];
  }
}
const base = process.env.UHR_REGISTRAR_URL ?? 'http://127.0.0.1:3001';
const kc = process.env.UHR_KEYCLOAK_URL ?? 'http://127.0.0.1:58080';

const tokenRes = await fetch(`${kc}/realms/uhr/protocol/openid-connect/token`, {
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams({
    grant_type: 'password',
    client_id: 'uhr-cli',
    username: 'registrar-1',
    password: 'registrar-1-pass',
  }),
});
if (!tokenRes.ok) throw new Error(`no token: ${tokenRes.status} (is the platform up? scripts/stack.sh up)`);
const { access_token: token } = await tokenRes.json();
const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };

async function one() {
  const address = '0x' + randomBytes(20).toString('hex');
  const t0 = performance.now();
  const res = await fetch(`${base}/identities`, {
    method: 'POST',
    headers,
    body: JSON.stringify({
      kind: 'patient',
      identifier: { system: 'national-id', value: `B${randomBytes(8).toString('hex')}` },
      address,
    }),
  });
  if (res.status !== 202) throw new Error(`register answered ${res.status}: ${await res.text()}`);
  const accepted = performance.now() - t0;
  const { id } = await res.json();
  for (;;) {
    const r = await fetch(`${base}/identities/${id}`, { headers });
    const body = await r.json();
    if (body.chain.status === 'confirmed') return { accepted, confirmed: performance.now() - t0 };
    if (body.chain.status === 'rejected') throw new Error(`rejected: ${body.chain.error}`);
    if (performance.now() - t0 > 60_000) throw new Error('not confirmed within 60 s');
    await new Promise((r) => setTimeout(r, 5));
  }
}

await one(); // warm-up: connections, JIT, consumer assignment
const samples = [];
const t0 = performance.now();
let next = 0;
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (next < count) {
      next++;
      samples.push(await one());
    }
  }),
);
const wall = (performance.now() - t0) / 1000;
const pct = (xs, p) => xs.slice().sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)];
const fmt = (ms) => `${ms.toFixed(1)} ms`;
const acc = samples.map((s) => s.accepted);
const conf = samples.map((s) => s.confirmed);
console.log(`registrar bench: ${count} registrations, concurrency ${concurrency}, ${wall.toFixed(1)} s wall`);
console.log(`  accepted (HTTP 202)      p50 ${fmt(pct(acc, 50))}  p99 ${fmt(pct(acc, 99))}`);
console.log(
  `  command → confirmed      p50 ${fmt(pct(conf, 50))}  p99 ${fmt(pct(conf, 99))}  max ${fmt(Math.max(...conf))}`,
);
console.log(`  throughput               ${(count / wall).toFixed(1)} confirmed/s`);
