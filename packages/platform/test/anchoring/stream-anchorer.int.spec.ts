import { AnchorsAbi, AnchorsBytecode, anchorsAt, ROLES } from '@uhr/contracts';
import { ContractFactory, JsonRpcProvider, keccak256, toUtf8Bytes, Wallet } from 'ethers';
import pino from 'pino';
import type { DataSource } from 'typeorm';
import type { ChainWriter } from '../../src/chain/chain-writer.js';
import { migrate } from '../../src/persistence/database.js';
import { chainTestDatabase, dropTestDatabase, fundedSigner, testChainWriter } from '../../src/testing/chain.js';
import { loadStackEnv, waitFor } from '../../src/testing/index.js';
import { anchorStreamId, StreamAnchorer } from '../../src/anchoring/stream-anchorer.js';
import { streamAnchorerMigrations } from '../../src/anchoring/stream-anchorer.migrations.js';

const env = loadStackEnv();
const rpcUrl = env.UHR_CHAIN_RPC_URL!;
let ds: DataSource;
let database: string;
let writer: ChainWriter;
let admin: Wallet;
let anchorsAddress: string;
let anchorer: StreamAnchorer;
const provider = new JsonRpcProvider(rpcUrl, undefined, { staticNetwork: true, cacheTimeout: -1 });

const hashOf = (s: string) => keccak256(toUtf8Bytes(s));

beforeAll(async () => {
  ({ ds, database } = await chainTestDatabase(env.UHR_PG_URL!, 'uhr_anchor_test'));
  await migrate(ds, streamAnchorerMigrations);
  const key = await fundedSigner(rpcUrl);
  admin = new Wallet(await fundedSigner(rpcUrl), provider);
  const contract = await new ContractFactory(AnchorsAbi, AnchorsBytecode, admin).deploy(admin.address, 0);
  anchorsAddress = await contract.getAddress();
  await (
    await anchorsAt(anchorsAddress, admin).getFunction('grantRole')(ROLES.ANCHORER, new Wallet(key).address)
  ).wait();
  writer = await testChainWriter({ pgUrl: env.UHR_PG_URL!, rpcUrl, database }, ds, key);
  const opts = { name: 'test.events', stream: anchorStreamId('uhr.test.events', database), anchorsAddress };
  anchorer = new StreamAnchorer({ ...opts, intervalMs: 100, workers: false }, ds, writer, pino({ level: 'silent' }));
  writer.start();
});

afterAll(async () => {
  await writer?.stop();
  await ds?.destroy();
  await dropTestDatabase(env.UHR_PG_URL!, database);
  provider.destroy();
});

const append = (hashes: string[]) => ds.transaction((m) => anchorer.append(m, hashes));

describe('StreamAnchorer', () => {
  it('anchors what was committed, in one transaction per cut, and proves each hash on-chain', async () => {
    const first = await append(['a', 'b', 'c'].map(hashOf));
    await expect(
      ds.transaction(async (m) => {
        await anchorer.append(m, [hashOf('rolled back')]);
        throw new Error('the caller failed');
      }),
    ).rejects.toThrow('the caller failed');
    const second = await append([hashOf('d')]);
    expect(await anchorer.cutNow()).toBe(4);
    expect(await anchorer.cutNow()).toBe(0);
    await anchorer.waitConfirmed([...first, ...second], 30_000);

    const proof = await anchorer.proofOf(second[0]!);
    expect(proof).toMatchObject({ status: 'confirmed', seq: 4, batchIndex: 0, verifiedOnChain: true });
    const onChain = anchorsAt(anchorsAddress, provider);
    expect(await onChain.getFunction('streamOf')(anchorer.stream)).toEqual([5n, 1n]);
    // The same proof for another hash is refused by the contract: the leaf commits to the data.
    const forged = await onChain.getFunction('leafOf')(anchorer.stream, 4, hashOf('not d'));
    expect(await onChain.getFunction('verify')(anchorer.stream, 0, proof!.proof, forged)).toBe(false);
  });

  it('says waiting before a cut, and unknown for ids it never gave', async () => {
    const [entry] = await append([hashOf('waiting')]);
    expect(await anchorer.proofOf(entry!)).toMatchObject({ status: 'waiting', verifiedOnChain: false });
    expect(await anchorer.proofOf('999999999')).toBeUndefined();
    expect(await anchorer.proofOf('not-a-number')).toBeUndefined();
    await expect(append(['0xNOT'])).rejects.toThrow(RangeError);
    await anchorer.cutNow();
    await anchorer.waitConfirmed([entry!], 30_000);
  });

  let refused: string[] = [];
  it('gives back the hashes of a refused batch, and cuts them again once allowed', async () => {
    const anchors = anchorsAt(anchorsAddress, admin);
    await (await anchors.getFunction('revokeRole')(ROLES.ANCHORER, writer.wallet.address)).wait();
    const entries = await append([hashOf('e'), hashOf('f')]);
    await anchorer.cutNow();
    await waitFor(
      'the refused batch settled',
      async () => {
        const rows = (await ds.query(`select 1 from stream_anchor_batches where status = 'rejected'`)) as unknown[];
        return rows.length === 1;
      },
      { timeoutMs: 30_000 },
    );
    expect(await anchorer.proofOf(entries[0]!)).toMatchObject({ status: 'waiting' });
    await (await anchors.getFunction('grantRole')(ROLES.ANCHORER, writer.wallet.address)).wait();
    expect(await anchorer.cutNow()).toBe(2);
    refused = entries;
  });

  it('anchors the given-back hashes again, gap-free, once allowed', async () => {
    // In one CI run under full load the first re-cut was refused again (the estimate still saw the role revoked,
    // no chain error): its hashes come back once more, so they are cut again until the chain takes them.
    const confirmed = async () => {
      const proof = await anchorer.proofOf(refused[1]!);
      if (proof?.status === 'waiting') await anchorer.cutNow();
      return proof?.status === 'confirmed';
    };
    await waitFor('the given-back hashes confirmed', confirmed, { timeoutMs: 90_000, intervalMs: 200 }).catch(
      async (err: Error) => {
        const jobs = await ds.query(
          `select id, status, nonce, attempts, next_attempt_at, last_error from uhr_chain_tx order by id`,
        );
        throw new Error(`${err.message}; writer: ${writer.lastError ?? 'no error'}; jobs: ${JSON.stringify(jobs)}`);
      },
    );
    expect(await anchorer.proofOf(refused[1]!)).toMatchObject({ seq: 7, batchIndex: 2, verifiedOnChain: true });
  });
});
