import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { PlatformConfig } from '../config/config.js';
import type { EventEnvelope } from '../events/envelope.js';
import { BackgroundConsumer } from '../messaging/background-consumer.js';
import { IdempotentConsumer } from '../messaging/idempotent-consumer.js';
import { KAFKA, LOGGER, PLATFORM_CONFIG } from '../platform.module.js';
import { getAddress } from 'ethers';
import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import { DataSource, type EntityManager } from 'typeorm';

export const REGISTRAR_IDENTITY_TOPIC = 'uhr.registrar.identity.v1';

export interface KnownIdentity {
  /** Registrar aggregate id (uuid). */
  id: string;
  /** The same id as the contracts' bytes32 key. */
  chainId: string;
  kind: 'patient' | 'provider' | 'third-party';
  address: string;
  subject: string | null;
  status: 'active' | 'retired';
}

/** The registrar's uuid as the contracts' bytes32 identity id (same mapping as the registrar's chain adapter). */
export function chainIdOf(uuid: string): string {
  const hex = uuid.replace(/-/g, '').toLowerCase();
  if (!/^[0-9a-f]{32}$/.test(hex)) throw new Error(`not a uuid: ${uuid}`);
  return '0x' + hex.padStart(64, '0');
}

/** The directory's table, in each consuming service's own database. */
export const identityDirectoryMigrations = [
  {
    id: 'identities-0001-directory',
    sql: `
      create table known_identities (
        id uuid primary key,
        chain_id text not null unique,
        kind text not null,
        address text not null,
        subject text,
        status text not null,
        updated_at timestamptz not null default now()
      );
      create index known_identities_address on known_identities (address);
      create index known_identities_subject on known_identities (subject);
    `,
  },
];

interface Row {
  id: string;
  chain_id: string;
  kind: KnownIdentity['kind'];
  address: string;
  subject: string | null;
  status: KnownIdentity['status'];
}
const toIdentity = (r: Row): KnownIdentity => ({
  id: r.id,
  chainId: r.chain_id,
  kind: r.kind,
  address: r.address,
  subject: r.subject,
  status: r.status,
});

/**
 * Who signs for whom: a projection of the registrar's identity events (address ↔ identity ↔ Keycloak subject),
 * so a request signature can be tied to the login that sent it. The chain stays the referee for whether an
 * address acts for an identity; this projection only adds the login binding the chain does not hold.
 */
@Injectable()
export class IdentityDirectory implements OnApplicationBootstrap, BeforeApplicationShutdown {
  readonly consumer: IdempotentConsumer;
  private readonly runner: BackgroundConsumer;
  private readonly cache = new IdentityCache();

  constructor(
    @Inject(KAFKA) kafka: Kafka,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(PLATFORM_CONFIG) config: PlatformConfig,
    private readonly ds: DataSource,
  ) {
    // One group per database: each deployment (and each test database) keeps its own full projection.
    this.consumer = new IdempotentConsumer(kafka, ds, logger, {
      groupId: `${config.database}-identities`,
      topics: [REGISTRAR_IDENTITY_TOPIC],
      handler: (env, m) => this.apply(env, m),
      fromBeginning: true,
    });
    this.runner = new BackgroundConsumer(this.consumer, logger, 'identity directory consumer');
  }

  onApplicationBootstrap() {
    this.runner.start();
  }

  beforeApplicationShutdown() {
    return this.runner.stop();
  }

  async apply(env: EventEnvelope, m: EntityManager): Promise<void> {
    this.cache.clear();
    const p = env.payload as Record<string, unknown>;
    switch (env.type) {
      case 'registrar.IdentityRegistered':
        await m.query(
          `insert into known_identities (id, chain_id, kind, address, subject, status)
           values ($1,$2,$3,$4,$5,'active') on conflict (id) do nothing`,
          [env.aggregateId, chainIdOf(env.aggregateId), p.kind, getAddress(String(p.address)), p.subject ?? null],
        );
        break;
      case 'registrar.IdentityEdited':
        await m.query('update known_identities set kind = $2, updated_at = now() where id = $1', [
          env.aggregateId,
          p.kind,
        ]);
        break;
      case 'registrar.IdentityRebound':
        await m.query('update known_identities set address = $2, updated_at = now() where id = $1', [
          env.aggregateId,
          getAddress(String(p.newAddress)),
        ]);
        break;
      case 'registrar.IdentityRetired':
        await m.query(`update known_identities set status = 'retired', updated_at = now() where id = $1`, [
          env.aggregateId,
        ]);
        break;
      default:
        break;
    }
  }

  async byAddress(address: string): Promise<KnownIdentity | undefined> {
    const a = getAddress(address);
    return this.cache.one(`address:${a}`, () =>
      this.ds.query(
        `select * from known_identities where address = $1 order by (status = 'active') desc, updated_at desc limit 1`,
        [a],
      ),
    );
  }

  async byId(id: string): Promise<KnownIdentity | undefined> {
    return this.cache.one(`id:${id}`, () => this.ds.query('select * from known_identities where id = $1', [id]));
  }

  async byChainId(chainId: string): Promise<KnownIdentity | undefined> {
    const rows: Row[] = await this.ds.query('select * from known_identities where chain_id = $1', [
      chainId.toLowerCase(),
    ]);
    return rows[0] ? toIdentity(rows[0]) : undefined;
  }

  /** Every active identity bound to a login (a person may hold more than one over time). */
  async bySubject(subject: string): Promise<KnownIdentity[]> {
    return this.cache.all(`subject:${subject}`, () =>
      this.ds.query(`select * from known_identities where subject = $1 and status = 'active'`, [subject]),
    );
  }
}

/**
 * Identities found, remembered for `ttlMs`: every upload and read looks its parties up, and those change rarely.
 * What this instance's consumer applies clears it at once; a change applied by another replica shows within the
 * TTL (on top of the event's own lag). Misses are not remembered, so a new identity is found as soon as it is
 * projected.
 */
class IdentityCache {
  private readonly entries = new Map<string, { at: number; value: KnownIdentity[] }>();

  constructor(private readonly ttlMs = 1000) {}

  clear(): void {
    this.entries.clear();
  }

  async one(key: string, load: () => Promise<Row[]>): Promise<KnownIdentity | undefined> {
    return (await this.all(key, load))[0];
  }

  async all(key: string, load: () => Promise<Row[]>): Promise<KnownIdentity[]> {
    const hit = this.entries.get(key);
    if (hit && Date.now() - hit.at < this.ttlMs) return hit.value;
    const value = (await load()).map(toIdentity);
    if (value.length === 0) return value;
    if (this.entries.size >= 10_000) this.entries.clear();
    this.entries.set(key, { at: Date.now(), value });
    return value;
  }
}
