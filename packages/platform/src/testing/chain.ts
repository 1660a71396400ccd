import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { id, JsonRpcProvider, toBeHex, Wallet, zeroPadValue } from 'ethers';
import pg from 'pg';
import pino from 'pino';
import type { DataSource, EntityManager } from 'typeorm';
import type { ChainJob, ChainJobHandler } from '../chain/chain-writer.js';
import { ChainWriter, type ChainWriterOptions } from '../chain/chain-writer.js';
import { JsonRpcBatch } from '../chain/json-rpc-batch.js';
import { databaseUrl, migrate, openDataSource, platformMigrations } from '../persistence/database.js';
import { Leadership } from '../persistence/leadership.js';
import { Waker } from '../persistence/waker.js';
import { repoRoot } from './index.js';

export { freePort } from './ports.js';

/**
 * A counter contract in twelve bytes of init code and thirty of runtime: a call with 32 bytes of calldata adds
 * one to the slot they name, so the slot says how many times the chain applied a job — exactly-once is
 * `slot == 1`. Key zero reverts with `CounterZeroKey()`, a custom error to decode.
 */
export const COUNTER_ERRORS = ['error CounterZeroKey()'];
const SELECTOR = id('CounterZeroKey()').slice(2, 10);
const RUNTIME = `60003580156010578054600101905500` + `5b63${SELECTOR}6000526004601cfd`;
const COUNTER_INIT = `0x601e600c600039601e6000f3${RUNTIME}`;

export interface CounterJob {
  key: string;
  /** Leave the gas limit to `eth_estimateGas` (a revert is then refused before signing). */
  estimate?: boolean;
}

export const counterKey = (n: number) => zeroPadValue(toBeHex(n), 32);

/** A random key funded by anvil (`anvil_setBalance`): no transaction, no other signer's nonce touched. */
export async function fundedSigner(rpcUrl: string): Promise<string> {
  const wallet = Wallet.createRandom();
  await new JsonRpcBatch(rpcUrl).one('anvil_setBalance', [wallet.address, toBeHex(10n ** 24n)]);
  return wallet.privateKey;
}

export async function deployCounter(rpcUrl: string, key: string): Promise<string> {
  const provider = new JsonRpcProvider(rpcUrl, undefined, { staticNetwork: true });
  try {
    const tx = await new Wallet(key, provider).sendTransaction({ data: COUNTER_INIT });
    const receipt = await tx.wait();
    return receipt!.contractAddress!;
  } finally {
    provider.destroy();
  }
}

/** How many times the chain applied each key. */
export async function countersOf(rpcUrl: string, address: string, keys: string[]): Promise<bigint[]> {
  const answers = await new JsonRpcBatch(rpcUrl).many<string>(
    keys.map((k) => ['eth_getStorageAt', [address, k, 'latest']]),
  );
  return answers.map((a) => {
    if (!a.ok) throw new Error(a.error.message);
    return BigInt(a.result);
  });
}

/** A database of its own with the platform's tables and the effects the counter handler records. */
export async function chainTestDatabase(
  pgUrl: string,
  prefix = 'uhr_chain_test',
): Promise<{ ds: DataSource; database: string }> {
  const database = `${prefix}_${randomBytes(4).toString('hex')}`;
  const ds = await openDataSource({ pgUrl, database });
  await migrate(ds, [
    ...platformMigrations,
    {
      id: 'test-0001-chain-effects',
      sql: `create table chain_effects (job_key text not null, effect text not null, tx_hash text, detail text)`,
    },
  ]);
  return { ds, database };
}

/** Drops a database chainTestDatabase made (its DataSource destroyed first). */
export async function dropTestDatabase(pgUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: pgUrl });
  await client.connect();
  try {
    await client.query(`drop database if exists "${database}" with (force)`);
  } finally {
    await client.end();
  }
}

const record = (m: EntityManager, job: ChainJob, effect: string, detail: string | null = null) =>
  m.query(`insert into chain_effects (job_key, effect, tx_hash, detail) values ($1, $2, $3, $4)`, [
    job.jobKey,
    effect,
    job.txHash,
    detail,
  ]);

/** The counter's job handler; each outcome is a row in chain_effects, written in the settling transaction. */
export function counterHandler(
  rpcUrl: string,
  address: string,
  opts: { hearReverts?: boolean } = {},
): ChainJobHandler<CounterJob> {
  return {
    build: (r) => ({ to: address, data: r.key, ...(r.estimate ? {} : { gasLimit: 60_000n }) }),
    alreadyApplied: async (r) => ((await countersOf(rpcUrl, address, [r.key]))[0] ?? 0n) > 0n,
    onConfirmed: (m, job) => record(m, job, 'confirmed'),
    onRejected: (m, job, reason) => record(m, job, 'rejected', reason),
    ...(opts.hearReverts ? { onReverted: (m: EntityManager, job: ChainJob) => record(m, job, 'reverted') } : {}),
  };
}

export const COUNTER_JOB = 'test.counter';

/** A chain writer on `ds` with its own waker and leadership, as PlatformModule wires one. */
export async function testChainWriter(
  env: { pgUrl: string; rpcUrl: string; database: string; chainId?: number },
  ds: DataSource,
  key: string,
  opts: ChainWriterOptions = {},
): Promise<ChainWriter> {
  const url = databaseUrl(env.pgUrl, env.database);
  const waker = new Waker(url, 'uhr_chain_tx');
  await waker.start();
  const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }).child({ rpc: env.rpcUrl, db: env.database });
  const writer = new ChainWriter(
    env.rpcUrl,
    env.chainId ?? 31337,
    key,
    ds,
    waker,
    logger,
    new Leadership(url, 'uhr-chain-writer'),
    {
      idlePollMs: 100,
      ...opts,
    },
  );
  const stop = writer.stop.bind(writer);
  writer.stop = async () => {
    await stop();
    await waker.stop();
  };
  return writer;
}

/** An anvil of the test's own (the binary npm installed), for drills the shared chain must not suffer. */
export class OwnAnvil {
  private child: ChildProcess | undefined;

  constructor(readonly port: number) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(loadState?: string): Promise<void> {
    const args = ['--host', '127.0.0.1', '--port', String(this.port), '--chain-id', '31337', '--silent'];
    // node_modules/.bin/anvil is a node wrapper around the platform's binary: the child leads its own process
    // group so that kill() reaches the binary too.
    this.child = spawn(
      join(repoRoot(), 'node_modules', '.bin', 'anvil'),
      [...args, ...(loadState ? ['--load-state', loadState] : [])],
      { detached: true, stdio: 'ignore' },
    );
    const rpc = new JsonRpcBatch(this.url);
    for (let i = 0; ; i++) {
      if (
        await rpc.one('eth_chainId', []).then(
          () => true,
          () => false,
        )
      )
        return;
      if (i > 200 || this.child.exitCode !== null) throw new Error(`anvil did not start on ${this.port}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** kill -9: what a crashed node looks like. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      process.kill(-child.pid!, 'SIGKILL');
    });
    const rpc = new JsonRpcBatch(this.url);
    while (
      await rpc.one('eth_chainId', []).then(
        () => true,
        () => false,
      )
    )
      await new Promise((r) => setTimeout(r, 20));
  }
}
