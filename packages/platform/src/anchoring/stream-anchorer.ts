import type { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AnchorsAbi, anchorLeaf, anchorsAt, MerkleTree } from '@uhr/contracts';
import { id, Interface, type Contract } from 'ethers';
import type { Logger } from 'pino';
import type { DataSource, EntityManager } from 'typeorm';
import { enqueueChainJob } from '../chain/chain-jobs.js';
import type { ChainWriter } from '../chain/chain-writer.js';
import { startPeriodic, type Periodic } from '../workers/periodic.js';

export interface StreamAnchorerOptions {
  /** Unique per stream within a service: the chain job kind and the cut lock are named after it. */
  name: string;
  /** The Anchors stream (bytes32); `anchorStreamId` derives one per service database. */
  stream: string;
  anchorsAddress: string;
  /** How often waiting hashes are cut into a batch. */
  intervalMs: number;
  maxBatch?: number;
  /** Cut on a timer (false in tests that cut by hand with `cutNow`). */
  workers?: boolean;
}

export type StreamAnchorStatus = 'waiting' | 'pending' | 'confirmed';

/** Where one hash stands, and once batched, the proof that Anchors.verify checks. */
export interface StreamAnchorProof {
  entryId: string;
  stream: string;
  dataHash: string;
  status: StreamAnchorStatus;
  seq?: number;
  batchIndex?: number;
  leaf?: string;
  root?: string;
  proof?: string[];
  anchorTxHash?: string | null;
  verifiedOnChain: boolean;
}

interface AnchorJob {
  batchId: string;
  stream: string;
  firstSeq: string;
  lastSeq: string;
  count: number;
  root: string;
}

interface EntryRow {
  id: string;
  data_hash: string;
  anchor_seq: string | null;
  batch_id: string | null;
  batch_index: string | null;
  first_seq: string | null;
  root: string | null;
  status: string | null;
  tx_hash: string | null;
}

const HASH = /^0x[0-9a-f]{64}$/;
const LEAVES_PER_SLICE = 64;

/** One Anchors stream per purpose and service database, so each stream's sequence stays gap-free. */
export const anchorStreamId = (purpose: string, database: string): string => id(`${purpose}:${database}`);

/**
 * High-volume hashes (access logs, EPCIS events, invoices) anchored as Merkle roots (ARCHITECTURE rule 5). A
 * service appends hashes in the transaction that commits what they are about; on each tick the waiting ones get
 * the stream's next gap-free sequence numbers (under a lock: one cut at a time across instances), their root is
 * queued as one `Anchors.anchor` chain job, and each hash can then prove its inclusion against the contract.
 * A refused batch gives its hashes back, so the next cut numbers them again from the stream's true next seq.
 */
export class StreamAnchorer implements OnApplicationBootstrap, OnApplicationShutdown {
  private worker?: Periodic;
  private readonly iface = new Interface(AnchorsAbi);
  private readonly anchors: Contract;
  private readonly jobKind: string;

  constructor(
    private readonly opts: StreamAnchorerOptions,
    private readonly ds: DataSource,
    writer: ChainWriter,
    private readonly logger: Logger,
  ) {
    this.anchors = anchorsAt(opts.anchorsAddress, writer.provider);
    this.jobKind = `${opts.name}.anchor`;
    writer.decodeErrorsWith(AnchorsAbi).register<AnchorJob>(this.jobKind, {
      build: (r) => ({
        to: opts.anchorsAddress,
        data: this.iface.encodeFunctionData('anchor', [r.stream, r.firstSeq, r.lastSeq, r.count, r.root]),
      }),
      alreadyApplied: async (r) => {
        const [nextSeq] = (await this.anchors.streamOf!(r.stream)) as [bigint, bigint];
        return nextSeq > BigInt(r.lastSeq);
      },
      onConfirmed: (m, job) => this.settle(m, job.request.batchId, job.txHash, job.blockNumber),
      onRejected: (m, job, reason) => this.release(m, job.request.batchId, reason),
    });
  }

  get stream(): string {
    return this.opts.stream;
  }

  onApplicationBootstrap() {
    if (this.opts.workers === false) return;
    this.worker = startPeriodic(`${this.opts.name} anchoring`, this.opts.intervalMs, () => this.cutNow(), this.logger);
  }

  onApplicationShutdown() {
    this.worker?.stop();
  }

  /** Queues hashes for anchoring inside the caller's transaction; returns their entry ids, in order. */
  async append(manager: EntityManager, dataHashes: readonly string[]): Promise<string[]> {
    if (dataHashes.length === 0) return [];
    for (const h of dataHashes) if (!HASH.test(h)) throw new RangeError(`not a 32-byte lowercase hex hash: ${h}`);
    const rows = (await manager.query(
      `insert into stream_anchor_entries (stream, data_hash)
         select $1, h from unnest($2::text[]) with ordinality as v(h, i) order by i returning id`,
      [this.opts.stream, dataHashes],
    )) as Array<{ id: string }>;
    return rows.map((r) => String(r.id));
  }

  /** Cuts one batch of the waiting hashes; returns its size (0 when nothing waited or another cut holds the lock). */
  cutNow(): Promise<number> {
    return this.ds.transaction(async (m) => {
      const [lock] = (await m.query(`select pg_try_advisory_xact_lock(hashtext($1)) as ok`, [
        `stream-anchor:${this.opts.name}`,
      ])) as Array<{ ok: boolean }>;
      if (!lock?.ok) return 0;
      const waiting = (await m.query(
        `select id, data_hash from stream_anchor_entries where stream = $1 and anchor_seq is null order by id limit $2`,
        [this.opts.stream, this.opts.maxBatch ?? 4096],
      )) as Array<{ id: string; data_hash: string }>;
      if (waiting.length > 0) await this.cutBatch(m, waiting);
      return waiting.length;
    });
  }

  private async cutBatch(m: EntityManager, waiting: ReadonlyArray<{ id: string; data_hash: string }>) {
    const [last] = (await m.query(
      `select coalesce(max(last_seq), 0)::text as last, count(*)::text as n from stream_anchor_batches
        where stream = $1 and status <> 'rejected'`,
      [this.opts.stream],
    )) as Array<{ last: string; n: string }>;
    const firstSeq = BigInt(last!.last) + 1n;
    const lastSeq = firstSeq + BigInt(waiting.length - 1);
    const root = new MerkleTree(await this.leavesOf(waiting, firstSeq)).root;
    const [batch] = (await m.query(
      `insert into stream_anchor_batches (stream, batch_index, first_seq, last_seq, root)
         values ($1, $2, $3, $4, $5) returning id`,
      [this.opts.stream, last!.n, firstSeq.toString(), lastSeq.toString(), root],
    )) as Array<{ id: string }>;
    await m.query(
      `update stream_anchor_entries e set anchor_seq = $2 + v.i - 1, batch_id = $3
         from unnest($1::bigint[]) with ordinality as v(id, i) where e.id = v.id`,
      [waiting.map((w) => w.id), firstSeq.toString(), batch!.id],
    );
    const job: AnchorJob = {
      batchId: String(batch!.id),
      stream: this.opts.stream,
      firstSeq: firstSeq.toString(),
      lastSeq: lastSeq.toString(),
      count: waiting.length,
      root,
    };
    await enqueueChainJob(m, `${this.jobKind}-${this.opts.stream}-${batch!.id}`, this.jobKind, job);
  }

  private async settle(m: EntityManager, batchId: string, txHash: string | null, block: number | null) {
    await m.query(
      `update stream_anchor_batches set status = 'confirmed', tx_hash = $2, block_number = $3 where id = $1`,
      [batchId, txHash, block],
    );
  }

  private async release(m: EntityManager, batchId: string, reason: string) {
    await m.query(`update stream_anchor_batches set status = 'rejected', error = $2 where id = $1`, [batchId, reason]);
    await m.query(`update stream_anchor_entries set anchor_seq = null, batch_id = null where batch_id = $1`, [batchId]);
    this.logger.warn({ stream: this.opts.name, batchId, reason }, 'anchor batch refused by the chain; re-cut next');
  }

  /** Leaves of consecutive entries, hashed a slice at a time so reads beside a big cut do not wait behind it. */
  private async leavesOf(entries: ReadonlyArray<{ data_hash: string }>, firstSeq: bigint): Promise<string[]> {
    const leaves: string[] = [];
    for (let i = 0; i < entries.length; i++) {
      if (i > 0 && i % LEAVES_PER_SLICE === 0) await new Promise((r) => setImmediate(r));
      leaves.push(anchorLeaf(this.opts.stream, firstSeq + BigInt(i), entries[i]!.data_hash));
    }
    return leaves;
  }

  /** Where one entry stands; once batched, its inclusion proof, checked against the root the contract holds. */
  async proofOf(entryId: string): Promise<StreamAnchorProof | undefined> {
    if (!/^\d{1,19}$/.test(entryId)) return undefined;
    const [row] = (await this.ds.query(
      `select e.id, e.data_hash, e.anchor_seq, e.batch_id, b.batch_index, b.first_seq, b.root, b.status, b.tx_hash
         from stream_anchor_entries e left join stream_anchor_batches b on b.id = e.batch_id
        where e.id = $1 and e.stream = $2`,
      [entryId, this.opts.stream],
    )) as EntryRow[];
    if (!row) return undefined;
    const base = { entryId: String(row.id), stream: this.opts.stream, dataHash: row.data_hash };
    if (row.anchor_seq === null || row.batch_id === null) return { ...base, status: 'waiting', verifiedOnChain: false };
    return this.batchedProof(row, base);
  }

  private async batchedProof(row: EntryRow, base: Pick<StreamAnchorProof, 'entryId' | 'stream' | 'dataHash'>) {
    const members = (await this.ds.query(
      `select data_hash from stream_anchor_entries where batch_id = $1 order by anchor_seq`,
      [row.batch_id],
    )) as Array<{ data_hash: string }>;
    const first = BigInt(row.first_seq!);
    const seq = BigInt(row.anchor_seq!);
    const proof = new MerkleTree(await this.leavesOf(members, first)).proof(Number(seq - first));
    const leaf = anchorLeaf(this.opts.stream, seq, row.data_hash);
    const confirmed = row.status === 'confirmed';
    const verifiedOnChain =
      confirmed && ((await this.anchors.verify!(this.opts.stream, row.batch_index, proof, leaf)) as boolean);
    const status: StreamAnchorStatus = confirmed ? 'confirmed' : 'pending';
    return {
      ...base,
      status,
      seq: Number(seq),
      batchIndex: Number(row.batch_index),
      leaf,
      root: row.root!,
      proof,
      anchorTxHash: row.tx_hash,
      verifiedOnChain,
    };
  }

  /** Resolves once every entry is in a confirmed batch (tests, demos); rejects after `timeoutMs`. */
  async waitConfirmed(entryIds: readonly string[], timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const [r] = (await this.ds.query(
        `select count(*)::int as n from stream_anchor_entries e join stream_anchor_batches b on b.id = e.batch_id
          where e.id = any($1::bigint[]) and b.status = 'confirmed'`,
        [entryIds],
      )) as Array<{ n: number }>;
      if (r!.n === entryIds.length) return;
      if (Date.now() > deadline)
        throw new Error(`${entryIds.length - r!.n} of ${entryIds.length} not anchored in time`);
      await new Promise((res) => setTimeout(res, 100));
    }
  }
}
