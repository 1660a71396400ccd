// Confirmed chain writes per second for one signer, through the pipelined ChainWriter, against the running
// platform's anvil (scripts/stack.sh up) and PostgreSQL. Each run: a database of its own, a fresh signer funded
// by anvil_setBalance (no other signer's nonces touched), a counter contract; N jobs queued, then timed from
// the writer's start until the last is confirmed. Runs on dist/: `npm run build -w @uhr/platform` first.
// Usage: npm run bench:chain [-- --count 1000 --runs 3 --in-flight 256]
import { loadavg, cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { enqueueChainJob } from '../dist/index.js';
import { loadStackEnv } from '../dist/testing/index.js';
import {
  chainTestDatabase,
  COUNTER_ERRORS,
  COUNTER_JOB,
  counterHandler,
  counterKey,
  countersOf,
  deployCounter,
  dropTestDatabase,
  fundedSigner,
  testChainWriter,
} from '../dist/testing/chain.js';

const { values: args } = parseArgs({
  options: { count: { type: 'string' }, runs: { type: 'string' }, 'in-flight': { type: 'string' } },
});
const count = Number(args.count ?? 1000);
const runs = Number(args.runs ?? 3);
const maxInFlight = Number(args['in-flight'] ?? 256);
const env = loadStackEnv();
const rpcUrl = env.UHR_CHAIN_RPC_URL;

async function confirmed(ds) {
  const [row] = await ds.query(`select count(*)::int as n, min(block_number)::int as first,
    max(block_number)::int as last from uhr_chain_tx where status = 'confirmed'`);
  return row;
}

async function queue(ds) {
  await ds.transaction(async (m) => {
    for (let i = 1; i <= count; i++) await enqueueChainJob(m, `bench-${i}`, COUNTER_JOB, { key: counterKey(i) });
  });
}

async function run() {
  const { ds, database } = await chainTestDatabase(env.UHR_PG_URL, 'uhr_chain_bench');
  const key = await fundedSigner(rpcUrl);
  const counter = await deployCounter(rpcUrl, key);
  await queue(ds);
  const writer = await testChainWriter({ pgUrl: env.UHR_PG_URL, rpcUrl, database }, ds, key, { maxInFlight });
  writer.decodeErrorsWith(COUNTER_ERRORS).register(COUNTER_JOB, counterHandler(rpcUrl, counter));
  const started = performance.now();
  writer.start();
  let done;
  while ((done = await confirmed(ds)).n < count) await new Promise((r) => setTimeout(r, 10));
  const seconds = (performance.now() - started) / 1000;
  const load = loadavg().map((l) => l.toFixed(2));
  await writer.stop();
  const sample = await countersOf(rpcUrl, counter, [counterKey(1), counterKey(count)]);
  if (sample.some((c) => c !== 1n)) throw new Error(`a job was not applied exactly once: ${sample}`);
  await ds.destroy();
  await dropTestDatabase(env.UHR_PG_URL, database);
  const blocks = done.last - done.first + 1;
  const rate = count / seconds;
  console.log(
    `${count} confirmed in ${seconds.toFixed(2)} s = ${rate.toFixed(0)} tx/s per signer ` +
      `(in flight ≤ ${maxInFlight}, ${blocks} blocks, ${(count / blocks).toFixed(1)} tx/block) ` +
      `load ${load.join(' ')} on ${cpus().length} cpus`,
  );
  return rate;
}

const rates = [];
for (let i = 0; i < runs; i++) rates.push(await run());
rates.sort((a, b) => a - b);
console.log(
  `median of ${runs}: ${rates[Math.floor(runs / 2)].toFixed(0)} tx/s per signer (load ${loadavg()[0].toFixed(2)})`,
);
