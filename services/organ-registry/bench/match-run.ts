// `npm run bench:organ-registry`: one kidney match run over a seeded waitlist of 10k, 50k and 100k candidates,
// repeated; prints p50/p99 per size and checks every run of a size produced the same result hash.
// Options: --sizes 10000,50000,100000 --runs 30 --warmup 3. Pure CPU: no servers needed.
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { candidateDigest, runMatch } from '../src/matching/domain/match-run.js';
import { POLICY_2026_1 } from '../src/matching/domain/policy.js';
import { BENCH_AT, benchOrgan, waitlist } from './waitlist.js';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '10000,50000,100000' },
    runs: { type: 'string', default: '30' },
    warmup: { type: 'string', default: '3' },
  },
});
const sizes = values.sizes.split(',').map(Number);
const runs = Number(values.runs);
const warmup = Number(values.warmup);

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;

console.log(`organ-registry match run: ${runs} runs (+${warmup} warm-up) per size, load ${loadavg()[0]!.toFixed(2)}`);
const rows: string[] = [];
let failed = false;
for (const size of sizes) {
  const candidates = waitlist(size);
  const organ = benchOrgan();
  // As the service does: each candidate's digest is computed when the candidate is written, and stored.
  const stored = candidates.map(candidateDigest);
  const digestOf = (_: unknown, i: number) => stored[i]!;
  const hashes = new Set<string>();
  const times: number[] = [];
  let ranked = 0;
  for (let i = 0; i < warmup + runs; i++) {
    const t0 = performance.now();
    const result = runMatch(organ, candidates, POLICY_2026_1, BENCH_AT, { digestOf });
    const ms = performance.now() - t0;
    if (i >= warmup) times.push(ms);
    hashes.add(result.resultHash);
    ranked = result.ranked.length;
  }
  times.sort((a, b) => a - b);
  // A replay recomputes every digest from the snapshot: once, timed, and it must give the same hashes.
  const t0 = performance.now();
  const replay = runMatch(organ, candidates, POLICY_2026_1, BENCH_AT);
  const replayMs = performance.now() - t0;
  hashes.add(replay.resultHash);
  const [p50, p99, max] = [quantile(times, 0.5), quantile(times, 0.99), times[times.length - 1]!];
  if (hashes.size !== 1) failed = true;
  rows.push(
    `${String(size).padStart(7)} candidates  ranked ${String(ranked).padStart(6)}  p50 ${p50.toFixed(1).padStart(7)} ms` +
      `  p99 ${p99.toFixed(1).padStart(7)} ms  max ${max.toFixed(1).padStart(7)} ms  ` +
      `${(p50 / (size / 1000)).toFixed(2)} ms/1k  replay ${replayMs.toFixed(0)} ms  hashes ${hashes.size === 1 ? `equal ${[...hashes][0]!.slice(0, 18)}…` : `DIFFER (${hashes.size})`}`,
  );
  console.log(rows[rows.length - 1]);
}
if (failed) {
  console.error('a size produced different result hashes across runs: the match run is not deterministic');
  process.exit(1);
}
