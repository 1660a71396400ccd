import {
  Controller,
  Get,
  Inject,
  Module,
  Optional,
  ServiceUnavailableException,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR, HttpAdapterHost, Reflector } from '@nestjs/core';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  HealthCheck,
  HealthCheckService,
  HealthIndicatorService,
  TerminusModule,
  type HealthIndicatorFunction,
} from '@nestjs/terminus';
import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import { DataSource, type EntitySchema, type MixedList } from 'typeorm';
import { AuthGuard, JwtVerifier, Public, Roles } from './auth/auth.js';
import { ApiErrors } from './http/api-errors.js';
import { CHAIN_CHANNEL, ChainWriter } from './chain/chain-writer.js';
import { readDeployment, type Deployment } from './chain/deployments.js';
import type { PlatformConfig } from './config/config.js';
import { IdempotencyInterceptor } from './http/idempotency/idempotency.interceptor.js';
import { IdempotencyStore } from './http/idempotency/idempotency-store.js';
import { createLogger } from './logging/logger.js';
import { createKafka, ensureTopics, saslOf } from './messaging/kafka.js';
import { OutboxRelay } from './messaging/outbox-relay.js';
import { databaseUrl, migrate, openDataSource, platformMigrations, type Migration } from './persistence/database.js';
import { EventStore, OUTBOX_CHANNEL } from './persistence/event-store.js';
import { Leadership } from './persistence/leadership.js';
import { Waker } from './persistence/waker.js';
import { startPeriodic, type Periodic } from './workers/periodic.js';

/** How often expired Idempotency-Keys are swept (they expire after IDEMPOTENCY_KEY_TTL_HOURS). */
const IDEMPOTENCY_SWEEP_MS = 10 * 60_000;

export const PLATFORM_CONFIG = Symbol('PLATFORM_CONFIG');
export const LOGGER = Symbol('LOGGER');
export const KAFKA = Symbol('KAFKA');
export const DEPLOYMENT = Symbol('DEPLOYMENT');

export interface ServiceDefinition {
  config: PlatformConfig;
  migrations: Migration[];
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities?: MixedList<Function | string | EntitySchema>;
  /** Topics this service publishes to; created at boot when missing. */
  topics: string[];
  /** Starts the outbox relay and chain writer (tests may drive them by hand). */
  workers?: boolean;
  /** False for a service that writes nothing on-chain: no signer, no deployments file. */
  chain?: boolean;
}

@ApiTags('health')
@Controller('health')
class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicator: HealthIndicatorService,
    private readonly ds: DataSource,
    private readonly relay: OutboxRelay,
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Optional() private readonly chain?: ChainWriter,
  ) {}

  /** Public and minimal, like /health/ready: the status only, nothing about versions, blocks or backlog. */
  @ApiOperation({ summary: 'Liveness (public): the process answers HTTP' })
  @ApiResponse({ status: 200, description: '{ status: "ok" }' })
  @Get('live')
  @Public()
  live() {
    return { status: 'ok' };
  }

  /** Ready = can accept commands: PostgreSQL answers. Kafka and the chain may be down; work waits in the outbox. */
  @ApiOperation({ summary: 'Readiness (public): PostgreSQL answers, so commands are accepted' })
  @ApiResponse({ status: 200, description: '{ status: "ok" }' })
  @ApiResponse({ status: 503, description: 'PostgreSQL does not answer' })
  @Get('ready')
  @Public()
  async ready() {
    if ((await this.db()).postgres.status !== 'up') throw new ServiceUnavailableException({ status: 'error' });
    return { status: 'ok' };
  }

  /** Every dependency, with block numbers and the backlog waiting for Kafka and the chain: for operators only. */
  @ApiOperation({
    summary: 'Every dependency’s state (auditors and administrators): PostgreSQL, Kafka and the chain',
    description:
      'With the outbox backlog waiting for Kafka and, for a service that writes on-chain, the chain head and open writes.',
  })
  @ApiResponse({ status: 200, description: 'every dependency up: `info` and `details` per dependency' })
  @ApiResponse({ status: 503, description: 'a dependency down: `error` names it, `details` has every one' })
  @ApiBearerAuth()
  @ApiErrors(401, 403)
  @Get()
  @Roles('auditor', 'admin')
  // Terminus's own OpenAPI answers are left out: loaded through require(), they miss the document when the app
  // runs in jest's sandbox (the in-process integration tests), so the ones above are the same everywhere.
  @HealthCheck({ noCache: true, swaggerDocumentation: false })
  all() {
    const checks: HealthIndicatorFunction[] = [() => this.db(), () => this.kafkaCheck()];
    if (this.chain) checks.push(() => this.chainCheck(this.chain!));
    return this.health.check(checks);
  }

  private async db() {
    const s = this.indicator.check('postgres');
    try {
      await this.ds.query('select 1');
      return s.up();
    } catch (err) {
      return s.down({ reason: (err as Error).message });
    }
  }

  private async kafkaCheck() {
    const s = this.indicator.check('kafka');
    const pending = await this.relay.pendingCount().catch(() => -1);
    const admin = this.kafka.admin();
    try {
      await admin.connect();
      await admin.describeCluster();
      return s.up({ outboxPending: pending });
    } catch (err) {
      return s.down({ reason: (err as Error).message, outboxPending: pending });
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }

  private async chainCheck(chain: ChainWriter) {
    const s = this.indicator.check('chain');
    const open = await chain.openCount().catch(() => -1);
    try {
      const block = await chain.provider.getBlockNumber();
      return s.up({ block, openWrites: open });
    } catch (err) {
      return s.down({ reason: (err as Error).message, openWrites: open });
    }
  }
}

/** loadConfig requires the key unless the service declared `chain: false`; this says so if the two disagree. */
function signerKeyOf(cfg: PlatformConfig): string {
  if (!cfg.chainSignerKey) throw new Error(`${cfg.serviceName}: UHR_CHAIN_SIGNER_KEY is not set`);
  return cfg.chainSignerKey;
}

class PlatformLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    private readonly def: ServiceDefinition,
    private readonly logger: Logger,
    private readonly kafka: Kafka,
    private readonly relay: OutboxRelay,
    private readonly chain: ChainWriter | undefined,
    private readonly wakers: Waker[],
    private readonly ds: DataSource,
    private readonly idempotency: IdempotencyStore,
  ) {}

  private sweeper?: Periodic;

  async onApplicationBootstrap() {
    await Promise.all(this.wakers.map((w) => w.start()));
    void this.createTopics(1);
    if (this.def.workers !== false) {
      this.relay.start();
      this.chain?.start();
      this.sweeper = startPeriodic(
        'idempotency-key-sweep',
        IDEMPOTENCY_SWEEP_MS,
        () => this.idempotency.sweep(),
        this.logger,
      );
    }
  }

  /** Kafka may be down at boot: keep trying in the background; the relay waits meanwhile. */
  private async createTopics(attempt: number): Promise<void> {
    try {
      await ensureTopics(this.kafka, this.def.topics);
    } catch (err) {
      this.logger.warn({ err: (err as Error).message, attempt }, 'could not create topics yet');
      setTimeout(() => void this.createTopics(attempt + 1), Math.min(30_000, 1000 * attempt)).unref();
    }
  }

  async onApplicationShutdown() {
    this.sweeper?.stop();
    await this.relay.stop();
    await this.chain?.stop();
    await Promise.all(this.wakers.map((w) => w.stop()));
    await this.ds.destroy();
  }
}

/**
 * Everything a UHR service shares, wired once: config, logger, PostgreSQL (own database, migrations, event
 * store), Kafka (outbox relay), the chain (nonce-managed writer), Keycloak auth guard and health endpoints.
 */
@Module({})
export class PlatformModule {
  static forRoot(def: ServiceDefinition): DynamicModule {
    const cfg = def.config;
    const dbUrl = databaseUrl(cfg.pgUrl, cfg.database);
    const outboxWaker = new Waker(dbUrl, OUTBOX_CHANNEL);
    const chainWaker = new Waker(dbUrl, CHAIN_CHANNEL);
    const useChain = def.chain !== false;
    const chainProviders = useChain
      ? [
          { provide: DEPLOYMENT, useFactory: (): Deployment => readDeployment(cfg.deploymentsFile) },
          {
            provide: ChainWriter,
            inject: [DataSource, DEPLOYMENT, LOGGER],
            useFactory: (ds: DataSource, d: Deployment, l: Logger) =>
              new ChainWriter(
                cfg.chainRpcUrl,
                d.chainId,
                signerKeyOf(cfg),
                ds,
                chainWaker,
                l,
                new Leadership(dbUrl, 'uhr-chain-writer'),
                { maxInFlight: cfg.chainMaxInFlight, confirmations: cfg.chainConfirmations },
              ),
          },
        ]
      : [];
    return {
      module: PlatformModule,
      global: true,
      imports: [TerminusModule],
      controllers: [HealthController],
      providers: [
        { provide: PLATFORM_CONFIG, useValue: cfg },
        { provide: LOGGER, useFactory: () => createLogger(cfg.serviceName, cfg.logLevel) },
        {
          provide: DataSource,
          useFactory: async () => {
            const ds = await openDataSource({ pgUrl: cfg.pgUrl, database: cfg.database, entities: def.entities });
            await migrate(ds, [...platformMigrations, ...def.migrations]);
            return ds;
          },
        },
        { provide: EventStore, inject: [DataSource], useFactory: (ds: DataSource) => new EventStore(ds) },
        {
          provide: KAFKA,
          inject: [LOGGER],
          useFactory: (l: Logger) => createKafka(cfg.serviceName, cfg.kafkaBrokers, l, saslOf(cfg)),
        },
        ...chainProviders,
        {
          provide: OutboxRelay,
          inject: [DataSource, KAFKA, LOGGER],
          useFactory: (ds: DataSource, kafka: Kafka, l: Logger) => new OutboxRelay(ds, kafka, outboxWaker, l),
        },
        {
          provide: JwtVerifier,
          useFactory: () =>
            new JwtVerifier(
              cfg.keycloakUrl,
              cfg.keycloakRealm,
              cfg.authAudience,
              cfg.keycloakPublicUrl ?? cfg.keycloakUrl,
            ),
        },
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: IdempotencyStore, inject: [DataSource], useFactory: (ds: DataSource) => new IdempotencyStore(ds) },
        {
          provide: APP_INTERCEPTOR,
          inject: [IdempotencyStore, Reflector, HttpAdapterHost, LOGGER],
          useFactory: (st: IdempotencyStore, r: Reflector, h: HttpAdapterHost, l: Logger) =>
            new IdempotencyInterceptor(st, r, h, l),
        },
        {
          provide: PlatformLifecycle,
          inject: [LOGGER, KAFKA, OutboxRelay, DataSource, IdempotencyStore, { token: ChainWriter, optional: true }],
          useFactory: (
            l: Logger,
            k: Kafka,
            r: OutboxRelay,
            ds: DataSource,
            st: IdempotencyStore,
            c: ChainWriter | undefined,
          ) => new PlatformLifecycle(def, l, k, r, c, useChain ? [outboxWaker, chainWaker] : [outboxWaker], ds, st),
        },
      ],
      exports: [
        PLATFORM_CONFIG,
        LOGGER,
        DataSource,
        EventStore,
        KAFKA,
        OutboxRelay,
        JwtVerifier,
        IdempotencyStore,
        ...(useChain ? [DEPLOYMENT, ChainWriter] : []),
      ],
    };
  }
}
