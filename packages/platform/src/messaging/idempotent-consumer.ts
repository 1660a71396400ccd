import type { Consumer, Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import type { DataSource, EntityManager } from 'typeorm';
import { InvalidEnvelopeError, parseEnvelope, type EventEnvelope } from '../events/envelope.js';

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
      eachMessage: async ({ topic, partition, message }) => {
        let envelope: EventEnvelope;
        try {
          envelope = parseEnvelope(message.value);
        } catch (err) {
          if (!(err instanceof InvalidEnvelopeError)) throw err;
          this.logger.error({ topic, partition, offset: message.offset, reason: err.message }, 'dead-lettered');
          await this.ds.query(
            'insert into uhr_dead_letters (consumer, topic, partition, "offset", reason, raw) values ($1,$2,$3,$4,$5,$6)',
            [this.opts.groupId, topic, partition, message.offset, err.message, message.value?.toString() ?? null],
          );
          return;
        }
        if (this.opts.accepts && !this.opts.accepts(envelope.type)) {
          this.ignored += 1;
          return;
        }
        await this.handle(envelope);
      },
    });
  }

  /** Applies one envelope exactly once (also used directly by tests and replays). */
  async handle(envelope: EventEnvelope): Promise<boolean> {
    const applied = await this.ds.transaction(async (m) => {
      const rows: unknown[] = await m.query(
        `insert into uhr_processed_messages (consumer, message_id) values ($1, $2)
         on conflict do nothing returning message_id`,
        [this.opts.groupId, envelope.id],
      );
      if (rows.length === 0) return false;
      await this.opts.handler(envelope, m);
      return true;
    });
    if (applied) this.processed += 1;
    else this.skipped += 1;
    return applied;
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect().catch(() => undefined);
  }
}
