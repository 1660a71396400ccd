import { randomUUID } from 'node:crypto';
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { RelationshipsAbi } from '@uhr/contracts';
import { ChainWriter, enqueueChainJob, LOGGER, PLATFORM_CONFIG, startPeriodic, type Periodic } from '@uhr/platform';
import { Interface } from 'ethers';
import type { Logger } from 'pino';
import { Contracts } from '../../chain/contracts.js';
import type { RecordsConfig } from '../../config.js';
import { pairKey, type Pair } from './domain/batch.js';
import { RecordBatchRepository, type OpenedBatch } from './record-batch.repository.js';

export const BATCH_JOB = 'records.batch';
const RELATIONSHIP_ENDED = 2;

interface BatchJob {
  root: string;
  leafCount: number;
  pairs: Pair[];
}

/**
 * Anchors records and answers in Merkle batches (ADR 0008): every `UHR_RECORDS_BATCH_INTERVAL_MS` the waiting
 * leaves (up to `UHR_RECORDS_BATCH_MAX_LEAVES`) are cut into one tree and its root queued as one
 * Relationships.anchorBatch call through the chain writer; once mined, the batch's records settle in one
 * transaction. Relationships a batch needs are opened by the same call (pairs already open are skipped).
 */
@Injectable()
export class RecordBatcher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly iface = new Interface(RelationshipsAbi);
  private worker?: Periodic;
  /** Pairs known open on-chain: left out of later batches' calls (the contract would skip them anyway). */
  private readonly opened = new Set<string>();

  constructor(
    writer: ChainWriter,
    private readonly contracts: Contracts,
    private readonly batches: RecordBatchRepository,
    @Inject(PLATFORM_CONFIG) private readonly config: RecordsConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    const to = contracts.relationships.target as string;
    writer.decodeErrorsWith(RelationshipsAbi).register<BatchJob>(BATCH_JOB, {
      build: (b) => ({ to, data: this.iface.encodeFunctionData('anchorBatch', [b.root, b.leafCount, b.pairs]) }),
      alreadyApplied: (b) => this.contracts.isAnchored(b.root),
      onConfirmed: async (m, job) => {
        const ctx = {
          actor: 'records-chain',
          correlationId: job.jobKey,
          causationId: job.jobKey,
          occurredAt: new Date(),
        };
        await this.batches.settle(m, job.request.root, job.txHash, ctx);
        for (const p of job.request.pairs) this.opened.add(pairKey(p));
      },
      onRejected: async (m, job, reason) => {
        this.logger.warn({ root: job.request.root, reason }, 'record batch refused by the chain; re-cut next');
        await this.batches.release(m, job.request.root, reason);
      },
    });
  }

  onApplicationBootstrap() {
    this.worker = startPeriodic('record batcher', this.config.batchIntervalMs, () => this.cutOne(), this.logger);
  }

  onApplicationShutdown() {
    this.worker?.stop();
  }

  /** The pairs (keys) whose relationship the patient ended, asked of the chain now. */
  private async endedOf(pairs: Pair[]): Promise<Set<string>> {
    const statuses = await Promise.all(pairs.map((p) => this.contracts.relationshipStatus(p.patientId, p.providerId)));
    return new Set(pairs.filter((_, i) => statuses[i] === RELATIONSHIP_ENDED).map(pairKey));
  }

  /** Cuts one batch of whatever waits and queues its anchor; the batch, or undefined when nothing waited. */
  async cutOne(): Promise<OpenedBatch | undefined> {
    return this.batches.cut(
      this.config.batchMaxLeaves,
      (pairs) => this.endedOf(pairs),
      (m, b) =>
        // A fresh job key per cut: a root refused once (its job failed) may be cut and sent again.
        enqueueChainJob(m, `batch-${b.root}-${randomUUID()}`, BATCH_JOB, {
          root: b.root,
          leafCount: b.leafCount,
          pairs: b.pairs.filter((p) => !this.opened.has(pairKey(p))),
        } satisfies BatchJob),
    );
  }
}
