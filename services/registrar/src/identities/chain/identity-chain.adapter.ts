import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { RegistrarAbi, registrarAt } from '@uhr/contracts';
import {
  ChainWriter,
  contractAddress,
  DEPLOYMENT,
  enqueueChainJob,
  IdempotentConsumer,
  KAFKA,
  LOGGER,
  PLATFORM_CONFIG,
  type PlatformConfig,
  type ChainJob,
  type Deployment,
  type EventEnvelope,
  chainIdOf,
} from '@uhr/platform';
import { Interface, type Contract } from 'ethers';
import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import { DataSource, type EntityManager } from 'typeorm';
import { chainOperationOf, type ChainOperation, type IdentityEvent, type IdentityKind } from '../domain/identity.js';
import { IDENTITY_TOPIC, IdentityRepository } from '../identity.repository.js';

/** What the chain job carries: enough to make the call and to recognise it already happened. */
export interface IdentityChainRequest {
  identityId: string;
  operation: ChainOperation;
  kind: IdentityKind | null;
  identityHash: string | null;
  address: string | null;
  causationEventId: string;
  correlationId: string;
}

const KIND_ON_CHAIN: Record<IdentityKind, number> = { patient: 1, provider: 2, 'third-party': 3 };
const STATUS_RETIRED = 2n;

export const JOB_KIND = 'registrar.identity';

export function requestOf(env: EventEnvelope): IdentityChainRequest | undefined {
  const e = { type: env.type, payload: env.payload } as IdentityEvent;
  const operation = chainOperationOf(e);
  if (!operation) return undefined;
  const base = { identityId: env.aggregateId, operation, causationEventId: env.id, correlationId: env.correlationId };
  switch (e.type) {
    case 'registrar.IdentityRegistered':
      return { ...base, kind: e.payload.kind, identityHash: e.payload.identityHash, address: e.payload.address };
    case 'registrar.IdentityEdited':
      return { ...base, kind: e.payload.kind, identityHash: e.payload.identityHash, address: null };
    case 'registrar.IdentityRetired':
      return { ...base, kind: null, identityHash: null, address: null };
    case 'registrar.IdentityRebound':
      return { ...base, kind: null, identityHash: null, address: e.payload.newAddress };
    case 'registrar.IdentityAnchored':
    case 'registrar.IdentityAnchorRejected':
      return undefined;
  }
}

/**
 * Carries identity events from Kafka to the Registrar contract. The consumer turns each event into a chain job
 * in the same transaction as its processed-id (so a redelivered event never makes a second job); the service's
 * chain writer sends it and reports the outcome back onto the identity's stream.
 */
@Injectable()
export class IdentityChainAdapter implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly iface = new Interface(RegistrarAbi);
  private readonly registrar: Contract;
  readonly consumer: IdempotentConsumer;

  constructor(
    @Inject(KAFKA) kafka: Kafka,
    @Inject(DEPLOYMENT) deployment: Deployment,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(PLATFORM_CONFIG) config: PlatformConfig,
    private readonly ds: DataSource,
    private readonly writer: ChainWriter,
    private readonly identities: IdentityRepository,
  ) {
    this.registrar = registrarAt(contractAddress(deployment, 'Registrar'), writer.provider);
    this.consumer = new IdempotentConsumer(kafka, ds, logger, {
      // One group per registrar database: replicas of one registrar share it, separate registrars do not.
      groupId: `${config.database}.chain`,
      topics: [IDENTITY_TOPIC],
      handler: (env, m) => this.onEvent(env, m),
    });
    writer.decodeErrorsWith(RegistrarAbi).register<IdentityChainRequest>(JOB_KIND, {
      build: (r) => ({ to: this.registrar.target as string, data: this.encode(r) }),
      alreadyApplied: (r) => this.alreadyApplied(r),
      onConfirmed: (m, job) => this.onConfirmed(m, job),
      onRejected: (m, job, reason) => this.onRejected(m, job, reason),
    });
  }

  async onApplicationBootstrap() {
    // Kafka may be down when the service starts: the consumer connects in the background and retries.
    void this.startConsumer(1);
  }

  private async startConsumer(attempt: number): Promise<void> {
    try {
      await this.consumer.start();
    } catch (err) {
      this.logger.warn({ err: (err as Error).message, attempt }, 'registrar-chain consumer not started yet');
      await this.consumer.stop();
      setTimeout(() => void this.startConsumer(attempt + 1), Math.min(10_000, 500 * attempt)).unref();
    }
  }

  async onApplicationShutdown() {
    await this.consumer.stop();
  }

  private async onEvent(env: EventEnvelope, m: EntityManager): Promise<void> {
    const request = requestOf(env);
    if (!request) return;
    // Anchor only what this registrar's own store wrote (another registrar may publish to the same topic).
    const own: unknown[] = await m.query('select 1 from uhr_events where id = $1', [env.id]);
    if (own.length === 0) return;
    await enqueueChainJob(m, env.id, JOB_KIND, request);
  }

  private encode(r: IdentityChainRequest): string {
    const id = chainIdOf(r.identityId);
    switch (r.operation) {
      case 'register':
        return this.iface.encodeFunctionData('register', [id, KIND_ON_CHAIN[r.kind!], r.identityHash, r.address]);
      case 'edit':
        return this.iface.encodeFunctionData('edit', [id, KIND_ON_CHAIN[r.kind!], r.identityHash]);
      case 'retire':
        return this.iface.encodeFunctionData('retire', [id]);
      case 'rebind':
        return this.iface.encodeFunctionData('rebind', [id, r.address]);
    }
  }

  /** After a crash between broadcast and bookkeeping the chain may already hold the change. */
  private async alreadyApplied(r: IdentityChainRequest): Promise<boolean> {
    const [kind, status, hash, account] = (await this.registrar.identityOf!(chainIdOf(r.identityId))) as [
      bigint,
      bigint,
      string,
      string,
    ];
    switch (r.operation) {
      case 'register':
        return status !== 0n && hash === r.identityHash && account.toLowerCase() === r.address!.toLowerCase();
      case 'edit':
        return status !== 0n && hash === r.identityHash && kind === BigInt(KIND_ON_CHAIN[r.kind!]);
      case 'retire':
        return status === STATUS_RETIRED;
      case 'rebind':
        return account.toLowerCase() === r.address!.toLowerCase();
    }
  }

  private async onConfirmed(m: EntityManager, job: ChainJob<IdentityChainRequest>): Promise<void> {
    const r = job.request;
    await this.identities.recordChainOutcome(
      m,
      r.identityId,
      {
        type: 'registrar.IdentityAnchored',
        version: 1,
        payload: {
          operation: r.operation,
          causationEventId: r.causationEventId,
          txHash: job.txHash,
          blockNumber: job.blockNumber,
        },
      },
      {
        actor: 'registrar-chain',
        correlationId: r.correlationId,
        causationId: r.causationEventId,
        occurredAt: new Date(),
      },
    );
  }

  private async onRejected(m: EntityManager, job: ChainJob<IdentityChainRequest>, reason: string): Promise<void> {
    const r = job.request;
    await this.identities.recordChainOutcome(
      m,
      r.identityId,
      {
        type: 'registrar.IdentityAnchorRejected',
        version: 1,
        payload: { operation: r.operation, causationEventId: r.causationEventId, reason },
      },
      {
        actor: 'registrar-chain',
        correlationId: r.correlationId,
        causationId: r.causationEventId,
        occurredAt: new Date(),
      },
    );
  }
}
