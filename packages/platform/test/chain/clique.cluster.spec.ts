import { readFileSync } from 'node:fs';
import type { DataSource } from 'typeorm';
import {
  chainTestDatabase,
  COUNTER_ERRORS,
  COUNTER_JOB,
  counterHandler,
  counterKey,
  countersOf,
  deployCounter,
  dropTestDatabase,
  testChainWriter,
  type CounterJob,
} from '../../src/testing/chain.js';

import {
  clusterSigner,
  headOf,
  killNode,
  link,
  loadClusterEnv,
  peerCount,
  startNode,
} from '../../src/testing/cluster.js';
import { loadStackEnv, waitFor } from '../../src/testing/index.js';
import { ChainWriter, enqueueChainJob } from '../../src/chain/chain-writer.js';
import { JsonRpcBatch } from '../../src/chain/json-rpc-batch.js';

// The cluster profile's three Clique signers (geth v1.13.14, one block a second) and the stack's PostgreSQL.
const env = loadStackEnv();
const cluster = loadClusterEnv();
const [node1, node2, node3] = cluster.chainRpcUrls as [string, string, string];

interface Drill {
  ds: DataSource;
  database: string;
  rpcUrl: string;
  counter: string;
  writer: ChainWriter;
}
const drills: Drill[] = [];

/** A database, a funded signer, a counter contract and a chain writer (confirmations 0) on `rpcUrl`. */
async function drill(rpcUrl: string): Promise<Drill> {
  const { ds, database } = await chainTestDatabase(env.UHR_PG_URL!, 'uhr_cluster_chain');
  const key = await clusterSigner(rpcUrl);
  const counter = await deployCounter(rpcUrl, key);
  const writer = await testChainWriter(
    { pgUrl: env.UHR_PG_URL!, rpcUrl, database, chainId: cluster.chainId },
    ds,
    key,
    { maxInFlight: 32, receiptTimeoutMs: 3000 },
  );
  writer.decodeErrorsWith(COUNTER_ERRORS).register(COUNTER_JOB, counterHandler(rpcUrl, counter, { hearReverts: true }));
  writer.start();
  const d = { ds, database, rpcUrl, counter, writer };
  drills.push(d);
  return d;
}

afterAll(async () => {
  for (const d of drills) {
    await d.writer.stop().catch(() => undefined);
    await d.ds.destroy();
    await dropTestDatabase(env.UHR_PG_URL!, d.database);
  }
  // Whatever a failed drill left cut or stopped is whole again for the next run.
  await startNode('geth-3').catch(() => undefined);
  await link(node1, node3, true).catch(() => undefined);
  await link(node2, node3, true).catch(() => undefined);
});

async function enqueue(d: Drill, from: number, n: number): Promise<void> {
  await d.ds.transaction(async (m) => {
    for (let i = from; i < from + n; i++)
      await enqueueChainJob(m, `job-${i}`, COUNTER_JOB, { key: counterKey(i) } satisfies CounterJob);
  });
}

const count = async (d: Drill, where: string): Promise<number> =>
  Number((await d.ds.query(`select count(*)::text as n from uhr_chain_tx where ${where}`))[0].n);

/** Every job confirmed in a block each of `urls` holds as canonical, each applied once on chain. */
async function confirmedOnce(d: Drill, n: number, urls = cluster.chainRpcUrls): Promise<void> {
  await waitFor(
    `${n} jobs confirmed in canonical blocks`,
    async () => {
      if ((await count(d, `status = 'confirmed'`)) !== n) return false;
      const rows: Array<{ n: string; h: string }> = await d.ds.query(
        `select distinct block_number::text as n, block_hash as h from uhr_chain_tx where status = 'confirmed'`,
      );
      for (const url of urls) {
        const blocks = await new JsonRpcBatch(url).many<{ hash: string } | null>(
          rows.map((r) => ['eth_getBlockByNumber', [`0x${Number(r.n).toString(16)}`, false]]),
        );
        if (blocks.some((b, i) => !b.ok || b.result?.hash !== rows[i]!.h)) return false;
      }
      return true;
    },
    { timeoutMs: 90_000, intervalMs: 500 },
  );
  const keys = Array.from({ length: n }, (_, i) => counterKey(i + 1));
  for (const url of urls) {
    expect((await countersOf(url, d.counter, keys)).filter((c) => c !== 1n)).toEqual([]);
  }
}

/** All three nodes at one head (within a block) — synced. */
const inSync = () =>
  waitFor(
    'the signers in sync',
    async () => {
      const heads = await Promise.all(cluster.chainRpcUrls.map(headOf));
      const top = Math.max(...heads.map((h) => h.n));
      return (
        heads.every((h) => h.n >= top - 1) &&
        (await Promise.all(cluster.chainRpcUrls.map(peerCount))).every((p) => p === 2)
      );
    },
    { timeoutMs: 60_000, intervalMs: 500 },
  );

it('the contracts are deployed on the Clique chain by the project deploy script: the same code on every signer', async () => {
  const deployment = JSON.parse(readFileSync(cluster.deploymentsFile, 'utf8')) as {
    chainId: number;
    contracts: Record<string, string>;
  };
  expect(deployment.chainId).toBe(cluster.chainId);
  expect(Object.keys(deployment.contracts).sort()).toEqual([
    'Anchors',
    'Consent',
    'OrganCustody',
    'Registrar',
    'Relationships',
  ]);
  const signers = await new JsonRpcBatch(node1).one<string[]>('clique_getSigners', ['latest']);
  expect(signers).toHaveLength(3);
  await inSync();
  for (const address of Object.values(deployment.contracts)) {
    const codes = await Promise.all(
      cluster.chainRpcUrls.map((u) => new JsonRpcBatch(u).one<string>('eth_getCode', [address, 'latest'])),
    );
    expect(codes[0]!.length).toBeGreaterThan(1000);
    expect(new Set(codes).size).toBe(1);
  }
});

it('one signer killed: the other two go on sealing, the chain writer confirms on them; the signer catches up on its return', async () => {
  const d = await drill(node1);
  await killNode('geth-3');
  const down = await headOf(node1);
  await enqueue(d, 1, 60);
  await confirmedOnce(d, 60, [node1, node2]);
  // Blocks sealed while geth-3 was down, by the two signers left.
  const up = await headOf(node1);
  expect(up.n - down.n).toBeGreaterThanOrEqual(3);
  await startNode('geth-3');
  await inSync();
  await confirmedOnce(d, 60);
});

/**
 * geth-3 cut off from the others: alone, Clique lets it seal one block (a signer may not seal twice in a row of
 * two), while geth-1 and geth-2 go on. The writer, on geth-3, sees its jobs confirmed in that block; on rejoin
 * the heavier fork wins, geth-3's block leaves the chain, and the writer must notice and see them confirmed again.
 */
type Pool = { pending: string };

it("a reorganisation: jobs confirmed on a partitioned signer's fork are confirmed again on the winning fork, each applied once", async () => {
  const d = await drill(node3);
  let from = 1;
  const lone = new JsonRpcBatch(node3);
  let forked = false;
  for (let attempt = 1; attempt <= 6 && !forked; attempt++) {
    await inSync();
    await link(node1, node3, false);
    await link(node2, node3, false);
    await waitFor('geth-3 alone', async () => (await peerCount(node3)) === 0, { timeoutMs: 10_000 });
    // Held from sealing until the jobs wait in its pool: its one block must hold them, not come first and empty.
    await lone.one('miner_stop', []);
    const cutAt = await headOf(node3);
    await enqueue(d, from, 20);
    from += 20;
    await waitFor(
      'the jobs in geth-3 pool',
      async () => Number((await lone.one<Pool>('txpool_status', [])).pending) >= 20,
    );
    await lone.one('miner_start', []);
    // geth-3 seals its one block unless it sealed the head it was cut at (then it can seal none: try again).
    forked = await waitFor(
      'jobs confirmed on the lone fork',
      async () => (await count(d, `status = 'confirmed' and block_number > ${cutAt.n}`)) > 0,
      { timeoutMs: 8_000, intervalMs: 200 },
    ).then(
      () => true,
      () => false,
    );
    if (forked) {
      // The other side outgrows it before the partition heals.
      await waitFor('the majority fork ahead', async () => (await headOf(node1)).n >= cutAt.n + 4, {
        timeoutMs: 20_000,
      });
    }
    await link(node1, node3, true);
    await link(node2, node3, true);
  }
  expect(forked).toBe(true);
  const total = from - 1;
  await inSync();
  await confirmedOnce(d, total);
  // The writer heard the reorganisation: jobs it had confirmed were reported reverted, then confirmed again.
  const effects: Array<{ job_key: string; confirmed: string; reverted: string }> = await d.ds.query(
    `select job_key, count(*) filter (where effect = 'confirmed')::text as confirmed,
       count(*) filter (where effect = 'reverted')::text as reverted
     from chain_effects group by job_key`,
  );
  expect(effects).toHaveLength(total);
  expect(effects.filter((e) => Number(e.confirmed) !== Number(e.reverted) + 1)).toEqual([]);
  expect(effects.filter((e) => e.reverted !== '0').length).toBeGreaterThan(0);
});
