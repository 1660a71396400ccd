import { Injectable } from '@nestjs/common';
import {
  type AggregateFold,
  ConflictError,
  EventStore,
  NotFoundError,
  topicOf,
  type EventContext,
  type EventEnvelope,
} from '@uhr/platform';
import { DataSource, type EntityManager } from 'typeorm';
import {
  decide,
  evolve,
  initialIdentity,
  type IdentityCommand,
  type IdentityEvent,
  type IdentityState,
} from './domain/identity.js';

export const IDENTITY_TOPIC = topicOf('registrar', 'identity', 1);
const IDENTITY_FOLD: AggregateFold<IdentityState, IdentityEvent> = {
  initial: initialIdentity,
  evolve,
  topic: IDENTITY_TOPIC,
};

export interface IdentityView {
  id: string;
  kind: string;
  identifierSystem: string;
  address: string;
  subject: string | null;
  /** A provider's or third party's public name (GET /directory); null for patients. */
  displayName: string | null;
  status: string;
  chain: {
    status: 'pending' | 'confirmed' | 'rejected';
    operation: string | null;
    txHash: string | null;
    blockNumber: number | null;
    error: string | null;
  };
  version: number;
  registeredBy: string;
  createdAt: string;
  updatedAt: string;
}

/** One listing of the directory: the identity id is the sharing code a patient's grant names. */
export interface DirectoryEntry {
  identityId: string;
  displayName: string;
  kind: string;
  identifierSystem: string;
}

interface Row {
  id: string;
  kind: string;
  identifier_system: string;
  address: string;
  subject: string | null;
  display_name: string | null;
  status: string;
  chain_status: IdentityView['chain']['status'];
  chain_operation: string | null;
  chain_tx_hash: string | null;
  chain_block: string | null;
  chain_error: string | null;
  version: number;
  registered_by: string;
  created_at: Date;
  updated_at: Date;
}

const toView = (r: Row): IdentityView => ({
  id: r.id,
  kind: r.kind,
  identifierSystem: r.identifier_system,
  address: r.address,
  subject: r.subject,
  displayName: r.display_name,
  status: r.status,
  chain: {
    status: r.chain_status,
    operation: r.chain_operation,
    txHash: r.chain_tx_hash,
    blockNumber: r.chain_block === null ? null : Number(r.chain_block),
    error: r.chain_error,
  },
  version: r.version,
  registeredBy: r.registered_by,
  createdAt: new Date(r.created_at).toISOString(),
  updatedAt: new Date(r.updated_at).toISOString(),
});

const uniqueViolations: Record<string, string> = {
  identities_active_hash: 'an active identity with this identifier already exists',
  identities_active_address: 'this address is already bound to an active identity',
};

/** The only place the registrar touches PostgreSQL: its event stream and the identities projection. */
@Injectable()
export class IdentityRepository {
  constructor(
    private readonly ds: DataSource,
    private readonly store: EventStore,
  ) {}

  /** Load → decide → append events + outbox + projection, in one transaction. */
  async execute(id: string, command: IdentityCommand, ctx: EventContext): Promise<EventEnvelope[]> {
    return this.ds.transaction((m) => this.executeIn(m, id, (state) => decide(command, state), ctx));
  }

  /** Records what the chain said about an earlier event (used inside the chain writer's transaction). */
  async recordChainOutcome(m: EntityManager, id: string, event: IdentityEvent, ctx: EventContext): Promise<void> {
    await this.executeIn(m, id, () => [event], ctx);
  }

  private async executeIn(
    m: EntityManager,
    id: string,
    decideFn: (s: typeof initialIdentity) => IdentityEvent[],
    ctx: EventContext,
  ): Promise<EventEnvelope[]> {
    return this.store.execute(m, id, IDENTITY_FOLD, decideFn, ctx, (env) => this.project(m, env));
  }

  private async project(m: EntityManager, env: EventEnvelope): Promise<void> {
    const e = { type: env.type, payload: env.payload } as IdentityEvent;
    const at = env.occurredAt;
    try {
      await m.query('savepoint uhr_project');
      switch (e.type) {
        case 'registrar.IdentityRegistered':
          await m.query(
            `insert into identities (id, kind, identifier_system, identity_hash, address, subject, status, chain_status,
               chain_operation, version, registered_by, created_at, updated_at, display_name)
             values ($1,$2,$3,$4,$5,$6,'active','pending','register',$7,$8,$9,$9,$10)`,
            [
              env.aggregateId,
              e.payload.kind,
              e.payload.identifierSystem,
              e.payload.identityHash,
              e.payload.address,
              e.payload.subject,
              env.sequence,
              e.payload.registeredBy,
              at,
              e.payload.displayName ?? null,
            ],
          );
          break;
        case 'registrar.IdentityEdited':
          await m.query(
            `update identities set kind = $2, identifier_system = $3, identity_hash = $4, chain_status = 'pending',
               chain_operation = 'edit', chain_error = null, version = $5, updated_at = $6 where id = $1`,
            [env.aggregateId, e.payload.kind, e.payload.identifierSystem, e.payload.identityHash, env.sequence, at],
          );
          break;
        case 'registrar.IdentityRetired':
          await m.query(
            `update identities set status = 'retired', chain_status = 'pending', chain_operation = 'retire',
               chain_error = null, version = $2, updated_at = $3 where id = $1`,
            [env.aggregateId, env.sequence, at],
          );
          break;
        case 'registrar.IdentityRebound':
          await m.query(
            `update identities set address = $2, chain_status = 'pending', chain_operation = 'rebind',
               chain_error = null, version = $3, updated_at = $4 where id = $1`,
            [env.aggregateId, e.payload.newAddress, env.sequence, at],
          );
          break;
        case 'registrar.IdentityAnchored':
          await m.query(
            `update identities set chain_status = 'confirmed', chain_tx_hash = coalesce($2, chain_tx_hash),
               chain_block = coalesce($3, chain_block), chain_error = null, version = $4, updated_at = $5 where id = $1`,
            [env.aggregateId, e.payload.txHash, e.payload.blockNumber, env.sequence, at],
          );
          break;
        case 'registrar.IdentityAnchorRejected':
          await m.query(
            `update identities set chain_status = 'rejected', chain_error = $2, version = $3, updated_at = $4
              where id = $1`,
            [env.aggregateId, e.payload.reason, env.sequence, at],
          );
          break;
      }
      await m.query('release savepoint uhr_project');
    } catch (err) {
      const constraint = (err as { constraint?: string }).constraint;
      const message = constraint ? uniqueViolations[constraint] : undefined;
      if (message) throw new ConflictError('IdentityConflict', message, { constraint });
      throw err;
    }
  }

  async byId(id: string): Promise<IdentityView> {
    const rows: Row[] = await this.ds.query('select * from identities where id = $1', [id]);
    if (!rows[0]) throw new NotFoundError('IdentityNotFound', `no identity ${id}`);
    return toView(rows[0]);
  }

  /**
   * The directory patients choose whom to share with from: active providers and third parties whose public name
   * holds `q` (any case), names first that start with it. Never a patient, never anything but the listing.
   */
  async directory(q: string, kind?: 'provider' | 'third-party', limit = 20): Promise<DirectoryEntry[]> {
    const rows: Array<{ id: string; display_name: string; kind: string; identifier_system: string }> =
      await this.ds.query(
        `select id, display_name, kind, identifier_system from identities
          where display_name is not null and kind <> 'patient' and status = 'active'
            and ($2::text is null or kind = $2) and strpos(lower(display_name), lower($1)) > 0
          order by strpos(lower(display_name), lower($1)) = 1 desc, display_name, id limit $3`,
        [q, kind ?? null, limit],
      );
    return rows.map((r) => ({
      identityId: r.id,
      displayName: r.display_name,
      kind: r.kind,
      identifierSystem: r.identifier_system,
    }));
  }

  /** The active identity bound to an address (an address may have had retired identities before). */
  async byAddress(address: string): Promise<IdentityView> {
    const rows: Row[] = await this.ds.query(
      `select * from identities where address = $1 order by (status = 'active') desc, updated_at desc limit 1`,
      [address],
    );
    if (!rows[0]) throw new NotFoundError('IdentityNotFound', `no identity bound to ${address}`);
    return toView(rows[0]);
  }

  /** The identity registered for an identifier (by its keyed hash): the active one, else the latest retired. */
  async byIdentityHash(identityHash: string): Promise<IdentityView> {
    const rows: Row[] = await this.ds.query(
      `select * from identities where identity_hash = $1 order by (status = 'active') desc, updated_at desc limit 1`,
      [identityHash],
    );
    if (!rows[0]) throw new NotFoundError('IdentityNotFound', 'no identity is registered for this identifier');
    return toView(rows[0]);
  }

  async bySubject(subject: string): Promise<IdentityView> {
    const rows: Row[] = await this.ds.query(
      `select * from identities where subject = $1 order by (status = 'active') desc, updated_at desc limit 1`,
      [subject],
    );
    if (!rows[0]) throw new NotFoundError('IdentityNotFound', 'no identity is bound to your login');
    return toView(rows[0]);
  }

  async history(id: string): Promise<EventEnvelope[]> {
    const events = await this.store.load(id);
    if (events.length === 0) throw new NotFoundError('IdentityNotFound', `no identity ${id}`);
    return events;
  }
}
