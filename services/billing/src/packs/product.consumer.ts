import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import {
  BackgroundConsumer,
  ensureTopics,
  IdempotentConsumer,
  KAFKA,
  LOGGER,
  PLATFORM_CONFIG,
  topicOf,
  type PlatformConfig,
} from '@uhr/platform';
import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { PRODUCT_REGISTERED } from './domain/pack-from-product.js';
import { MapProductPackUseCase } from './use-cases/map-product-pack/map-product-pack.use-case.js';

/** drug-trace's product master data (drug-trace.ProductRegistered). */
export const DRUG_TRACE_PRODUCT_TOPIC = topicOf('drug-trace', 'product');

/**
 * Reads drug-trace's products from the beginning, one group per database (each deployment and each test
 * database keeps all its mappings). Kafka may be down at boot: it keeps trying; the HTTP API is up meanwhile.
 */
@Injectable()
export class ProductConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  readonly consumer: IdempotentConsumer;
  private readonly runner: BackgroundConsumer;

  constructor(
    @Inject(KAFKA) kafka: Kafka,
    @Inject(LOGGER) logger: Logger,
    @Inject(PLATFORM_CONFIG) config: PlatformConfig,
    ds: DataSource,
    mapPack: MapProductPackUseCase,
  ) {
    this.consumer = new IdempotentConsumer(kafka, ds, logger, {
      groupId: `${config.database}-drug-trace-products`,
      topics: [DRUG_TRACE_PRODUCT_TOPIC],
      accepts: (type) => type === PRODUCT_REGISTERED,
      handler: (env, m) => mapPack.execute(env, m),
      fromBeginning: true,
    });
    // Subscribing to a topic that does not exist yet fails; billing may boot before drug-trace ever has.
    this.runner = new BackgroundConsumer(this.consumer, logger, 'drug-trace product consumer', () =>
      ensureTopics(kafka, [DRUG_TRACE_PRODUCT_TOPIC]),
    );
  }

  onApplicationBootstrap() {
    this.runner.start();
  }

  beforeApplicationShutdown() {
    return this.runner.stop();
  }
}
