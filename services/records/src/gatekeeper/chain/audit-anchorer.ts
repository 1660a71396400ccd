import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { AnchorsAbi, anchorLeaf, MerkleTree } from '@uhr/contracts';
import { ChainWriter, enqueueChainJob, LOGGER, PLATFORM_CONFIG, startPeriodic, type Periodic } from '@uhr/platform';
import { id, Interface } from 'ethers';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { Contracts } from '../../chain/contracts.js';
import type { RecordsConfig } from '../../config.js';

export const AUDIT_ANCHOR_JOB = 'records.audit-anchor';
const MAX_BATCH = 2000;
const LEAVES_PER_SLICE = 32;

interface AnchorJob {
  batchId: string;
  stream: string;
  firstSeq: string;
  lastSeq: string;
  count: number;
  root: string;
}

/** The Anchors stream of this deployment's access log (one per database, so sequences stay gap-free). */
export const auditStreamOf = (database: string) => id(`uhr.records.access:${database}`);

/**
 * Rule 5 of the architecture: access logs are high-volume, so they are anchored as Merkle roots. On each tick
 * the unanchored entries get the stream's next gap-free sequence numbers (under a lock, so one instance does
 * it), their root is queued as one Anchors.anchor call, and each entry can later prove its inclusion.
 */
@Injectable()
export class AuditAnchorer implements OnApplicationBootstrap, OnApplicationShutdown {
  private worker?: Periodic;
  private readonly iface = new Interface(AnchorsAbi);
  readonly stream: string;

  constructor(
    writer: ChainWriter,
    private readonly contracts: Contracts,
    private readonly ds: DataSource,
    @Inject(PLATFORM_CONFIG) private readonly config: RecordsConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.stream = auditStreamOf(config.database);
    const to = contracts.anchors.target as string;
    writer.decodeErrorsWith(AnchorsAbi).register<AnchorJob>(AUDIT_ANCHOR_JOB, {
      build: (r) => ({
        to,
        data: this.iface.encodeFunctionData('anchor', [r.stream, r.firstSeq, r.lastSeq, r.count, r.root]),
      }),
      alreadyApplied: async (r) => {
        const [nextSeq] = (await this.contracts.anchors.streamOf!(r.stream)) as [bigint, bigint];
        return nextSeq > BigInt(r.lastSeq);
      },
      onConfirmed: async (m, job) => {
        await m.query(`update audit_batches set status = 'confirmed', tx_hash = $2, block_number = $3 where id = $1`, [
          job.request.batchId,
          job.txHash,
          job.blockNumber,
        ]);
      },
      // A refused batch (role revoked, contract paused, a batch ahead of it refused) gives its entries back: the
      // next tick numbers them again from the stream's true next sequence, so one refusal never leaves a gap that
      // would block every later batch.
      onRejected: async (m, job, reason) => {
        await m.query(`update audit_batches set status = 'rejected', error = $2 where id = $1`, [
          job.request.batchId,
          reason,
        ]);
        await m.query(`update audit_entries set anchor_seq = null, batch_id = null where batch_id = $1`, [
          job.request.batchId,
        ]);
        this.logger.warn({ batchId: job.request.batchId, reason }, 'audit batch refused by the chain; re-cut next');
      },
    });
  }

  onApplicationBootstrap() {
    this.worker = startPeriodic(
      'audit anchoring',
      this.config.auditAnchorIntervalMs,
      () => this.anchorPending(),
      this.logger,
    );
  }

  onApplicationShutdown() {
    this.worker?.stop();
  }

  /** Cuts one batch of the unanchored entries; returns its size (0 when nothing was waiting). */
  async anchorPending(): Promise<number> {
    return this.ds.transaction(async (m) => {
      const [lock] = (await m.query(
        `select pg_try_advisory_xact_lock(hashtext('records-audit-anchor')) as ok`,
      )) as Array<{ ok: boolean }>;
      if (!lock?.ok) return 0;
      const entries: Array<{ position: string; data_hash: string }> = await m.query(
        `select position, data_hash from audit_entries where anchor_seq is null order by position limit $1`,
        [MAX_BATCH],
      );
      if (entries.length === 0) return 0;
      const [last] = (await m.query(
        `select coalesce(max(last_seq), 0)::text as last, count(*)::text as n from audit_batches
          where stream = $1 and status <> 'rejected'`,
        [this.stream],
      )) as Array<{ last: string; n: string }>;
      const firstSeq = BigInt(last!.last) + 1n;
      const tree = new MerkleTree(await this.leavesOf(entries, firstSeq));
      const lastSeq = firstSeq + BigInt(entries.length - 1);
      const [batch] = (await m.query(
        `insert into audit_batches (stream, batch_index, first_seq, last_seq, root) values ($1,$2,$3,$4,$5) returning id`,
        [this.stream, last!.n, firstSeq.toString(), lastSeq.toString(), tree.root],
      )) as Array<{ id: string }>;
      await m.query(
        `update audit_entries a set anchor_seq = $2 + v.i - 1, batch_id = $3
           from unnest($1::bigint[]) with ordinality as v(pos, i) where a.position = v.pos`,
        [entries.map((e) => e.position), firstSeq.toString(), batch!.id],
      );
      await enqueueChainJob(m, `audit-batch-${this.stream}-${batch!.id}`, AUDIT_ANCHOR_JOB, {
        batchId: batch!.id,
        stream: this.stream,
        firstSeq: firstSeq.toString(),
        lastSeq: lastSeq.toString(),
        count: entries.length,
        root: tree.root,
      } satisfies AnchorJob);
      return entries.length;
    });
  }

  /**
   * The Merkle leaves of consecutive entries, hashed a slice at a time with the event loop let go in between:
   * this runs beside the gatekeeper's reads, which must not wait behind a whole batch's hashing.
   */
  private async leavesOf(entries: ReadonlyArray<{ data_hash: string }>, firstSeq: bigint): Promise<string[]> {
    const leaves: string[] = [];
    for (let i = 0; i < entries.length; i++) {
      if (i > 0 && i % LEAVES_PER_SLICE === 0) await new Promise((r) => setImmediate(r));
      leaves.push(anchorLeaf(this.stream, firstSeq + BigInt(i), entries[i]!.data_hash));
    }
    return leaves;
  }

  /** The inclusion proof of one entry, checked against the root the Anchors contract holds. */
  async proofOf(auditId: string) {
    const [entry] = (await this.ds.query(
      `select a.anchor_seq, a.data_hash, a.batch_id, b.batch_index, b.first_seq, b.root, b.status, b.tx_hash
         from audit_entries a join audit_batches b on b.id = a.batch_id where a.id = $1`,
      [auditId],
    )) as Array<{
      anchor_seq: string;
      data_hash: string;
      batch_id: string;
      batch_index: string;
      first_seq: string;
      root: string;
      status: string;
      tx_hash: string | null;
    }>;
    if (!entry) return undefined;
    const members: Array<{ data_hash: string }> = await this.ds.query(
      `select data_hash from audit_entries where batch_id = $1 order by anchor_seq`,
      [entry.batch_id],
    );
    const first = BigInt(entry.first_seq);
    const tree = new MerkleTree(await this.leavesOf(members, first));
    const index = Number(BigInt(entry.anchor_seq) - first);
    const leaf = anchorLeaf(this.stream, BigInt(entry.anchor_seq), entry.data_hash);
    const proof = tree.proof(index);
    let verifiedOnChain = false;
    if (entry.status === 'confirmed') {
      verifiedOnChain = (await this.contracts.anchors.verify!(this.stream, entry.batch_index, proof, leaf)) as boolean;
    }
    return {
      stream: this.stream,
      seq: Number(entry.anchor_seq),
      batchIndex: Number(entry.batch_index),
      dataHash: entry.data_hash,
      leaf,
      root: entry.root,
      proof,
      anchorTxHash: entry.tx_hash,
      status: entry.status,
      verifiedOnChain,
    };
  }
}
