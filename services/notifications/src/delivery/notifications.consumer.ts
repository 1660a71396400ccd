import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { ensureTopics, IdempotentConsumer, KAFKA, LOGGER } from '@uhr/platform';
import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { CONSUMED_TOPICS, IGNORED_TYPES, prefixed } from '../catalogue/domain/catalogue.js';
import { DeliverEventUseCase } from './use-cases/deliver-event/deliver-event.use-case.js';

export const CONSUMER_OPTIONS = Symbol('CONSUMER_OPTIONS');
export interface NotificationsConsumerOptions {
  groupId: string;
  fromBeginning: boolean;
  instances: number;
  topicPrefix: string;
}

/**
 * The Kafka side: subscribes to every topic in the catalogue and hands each envelope to the delivery use case
 * through the platform's IdempotentConsumer (processed id + effect in one transaction). Kafka may be down at
 * boot or restart later: the consumer keeps retrying in the background; the HTTP API stays up meanwhile.
 */
@Injectable()
export class NotificationsConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly instances = new Set<IdempotentConsumer>();
  private stopped = false;
  private readonly topics: string[];
  readonly main: IdempotentConsumer;

  constructor(
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(CONSUMER_OPTIONS) private readonly opts: NotificationsConsumerOptions,
    private readonly ds: DataSource,
    private readonly deliver: DeliverEventUseCase,
  ) {
    this.topics = CONSUMED_TOPICS.map((t) => prefixed(opts.topicPrefix, t));
    this.main = this.instance();
  }

  /** A consumer in the service's group; more than one (here or in other replicas) share the partitions. */
  instance(): IdempotentConsumer {
    return new IdempotentConsumer(this.kafka, this.ds, this.logger, {
      groupId: this.opts.groupId,
      topics: this.topics,
      fromBeginning: this.opts.fromBeginning,
      accepts: (type) => !IGNORED_TYPES.has(type),
      handler: async (env, m) => {
        await this.deliver.execute(env, m);
      },
    });
  }

  onApplicationBootstrap() {
    void this.startInstance(this.main, 1);
    for (let i = 1; i < this.opts.instances; i++) void this.startInstance(this.instance(), 1);
  }

  /** Events applied and redeliveries skipped by the consumers running in this process. */
  counts(): { processed: number; duplicatesSkipped: number } {
    let processed = 0;
    let duplicatesSkipped = 0;
    for (const c of this.instances) {
      processed += c.processed;
      duplicatesSkipped += c.skipped;
    }
    return { processed, duplicatesSkipped };
  }

  /** Topics must exist before subscribing (subscribing to a missing topic fails), so create them first. */
  async startInstance(consumer: IdempotentConsumer, attempt = 1): Promise<void> {
    if (this.stopped) return;
    this.instances.add(consumer);
    try {
      await ensureTopics(this.kafka, this.topics);
      await consumer.start();
    } catch (err) {
      this.logger.warn({ err: (err as Error).message, attempt }, 'notifications consumer not started yet');
      await consumer.stop();
      setTimeout(
        () => {
          if (this.instances.has(consumer)) void this.startInstance(consumer, attempt + 1);
        },
        Math.min(10_000, 500 * attempt),
      ).unref();
    }
  }

  async stopInstance(consumer: IdempotentConsumer): Promise<void> {
    this.instances.delete(consumer);
    await consumer.stop();
  }

  async onApplicationShutdown() {
    this.stopped = true;
    await Promise.all([...this.instances].map((c) => c.stop()));
  }
}
