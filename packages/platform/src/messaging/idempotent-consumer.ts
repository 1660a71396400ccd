import type { Consumer, Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import type { DataSource, EntityManager } from 'typeorm';
import { InvalidEnvelopeError, parseEnvelope, type EventEnvelope } from '../events/envelope.js';

/** At most this many envelopes share one transaction (a bound on its size and on the work redone on failure). */
const MAX_PER_TRANSACTION = 100;
/** Stands for a passed-over message inside a run, so its offset is resolved with the run. */
const IGNORED = { id: '', type: '' } as EventEnvelope;

export type EnvelopeHandler = (envelope: EventEnvelope, manager: EntityManager) => Promise<void>;

export interface ConsumerOptions {
  /** Consumer group and the key under which processed ids are recorded. */
  groupId: string;
  topics: string[];
  handler: EnvelopeHandler;
  fromBeginning?: boolean;
  /**
   * Event types this consumer acts on. Others on its topics (a bulk ingest's RecordUploaded on the records
   * topic, say) are passed over without a transaction: having no effect, they need no processed id.
   */
  accepts?: (type: string) => boolean;
}

/**
 * A Kafka consumer whose effect and processed-message id commit in one PostgreSQL transaction: a redelivered
 * message (rebalance, restart, relay re-send) finds its id and is skipped, so each event takes effect once.
 * A handler error leaves the offset uncommitted and kafkajs redelivers after backoff; a malformed message
 * goes to uhr_dead_letters instead of blocking its partition forever.
 */
export class IdempotentConsumer {
  private consumer: Consumer | undefined;
  processed = 0;
  skipped = 0;
  /** Envelopes of types this consumer does not act on (`accepts`). */
  ignored = 0;

  constructor(
    private readonly kafka: Kafka,
    private readonly ds: DataSource,
    private readonly logger: Logger,
    private readonly opts: ConsumerOptions,
  ) {}

  async start(): Promise<void> {
    const consumer = this.kafka.consumer({
      groupId: this.opts.groupId,
      sessionTimeout: 15000,
      heartbeatInterval: 1000,
      retry: { initialRetryTime: 300, retries: 8, maxRetryTime: 10000, restartOnFailure: async () => true },
    });
    this.consumer = consumer;
    await consumer.connect();
    for (const topic of this.opts.topics) {
      await consumer.subscribe({ topic, fromBeginning: this.opts.fromBeginning ?? true });
    }
    await consumer.run({
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
        // A run of consecutive applicable envelopes is applied in ONE transaction (each still guarded by its
        // processed id), then its offsets resolved: under load a burst costs one commit instead of one per event.
        let run: Array<{ envelope: EventEnvelope; offset: string }> = [];
        const flush = async () => {
          if (run.length === 0) return;
          await this.handleMany(run.map((r) => r.envelope));
          resolveOffset(run[run.length - 1]!.offset);
          run = [];
          await heartbeat();
        };
        for (const message of batch.messages) {
          // Stopping or rebalanced: leave the rest (and an unflushed run) to be redelivered; ids guard replays.
          if (!isRunning() || isStale()) return;
          let envelope: EventEnvelope;
          try {
            envelope = parseEnvelope(message.value);
          } catch (err) {
            if (!(err instanceof InvalidEnvelopeError)) throw err;
            await flush();
            this.logger.error(
              { topic: batch.topic, partition: batch.partition, offset: message.offset, reason: err.message },
              'dead-lettered',
            );
            await this.ds.query(
              'insert into uhr_dead_letters (consumer, topic, partition, "offset", reason, raw) values ($1,$2,$3,$4,$5,$6)',
              [
                this.opts.groupId,
                batch.topic,
                batch.partition,
                message.offset,
                err.message,
                message.value?.toString() ?? null,
              ],
            );
            resolveOffset(message.offset);
            continue;
          }
          if (this.opts.accepts && !this.opts.accepts(envelope.type)) {
            this.ignored += 1;
            if (run.length === 0) resolveOffset(message.offset);
            else run.push({ envelope: IGNORED, offset: message.offset });
            continue;
          }
          run.push({ envelope, offset: message.offset });
          if (run.length >= MAX_PER_TRANSACTION) await flush();
        }
        await flush();
      },
    });
  }

  /**
   * Applies consecutive envelopes in one transaction, each exactly once. If any handler fails, the whole
   * transaction is undone and they are applied one by one instead, so the failing one is isolated (and
   * redelivered by Kafka, as with a single message) while those before it take effect.
   */
  async handleMany(envelopes: readonly EventEnvelope[]): Promise<void> {
    const real = envelopes.filter((e) => e !== IGNORED);
    if (real.length === 0) return;
    if (real.length === 1) {
      await this.handle(real[0]!);
      return;
    }
    let applied = 0;
    let skipped = 0;
    try {
      await this.ds.transaction(async (m) => {
        applied = 0;
        skipped = 0;
        for (const envelope of real) {
          if (await this.applyIn(m, envelope)) applied += 1;
          else skipped += 1;
        }
      });
    } catch {
      for (const envelope of real) await this.handle(envelope);
      return;
    }
    this.processed += applied;
    this.skipped += skipped;
  }

  /** Applies one envelope exactly once (also used directly by tests and replays). */
  async handle(envelope: EventEnvelope): Promise<boolean> {
    const applied = await this.ds.transaction((m) => this.applyIn(m, envelope));
    if (applied) this.processed += 1;
    else this.skipped += 1;
    return applied;
  }

  private async applyIn(m: EntityManager, envelope: EventEnvelope): Promise<boolean> {
    const rows: unknown[] = await m.query(
      `insert into uhr_processed_messages (consumer, message_id) values ($1, $2)
       on conflict do nothing returning message_id`,
      [this.opts.groupId, envelope.id],
    );
    if (rows.length === 0) return false;
    await this.opts.handler(envelope, m);
    return true;
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect().catch(() => undefined);
  }
}
