import { Injectable } from '@nestjs/common';
import {
  type AggregateFold,
  EventStore,
  NotFoundError,
  topicOf,
  type EventContext,
  type EventEnvelope,
  chainIdOf,
} from '@uhr/platform';
import { DataSource, type EntityManager } from 'typeorm';
import {
  decide,
  evolve,
  fhirConsentOf,
  initialGrant,
  type GrantCommand,
  type GrantEvent,
  type GrantState,
} from './domain/grant.js';

export const GRANT_TOPIC = topicOf('consent', 'grant', 1);
const GRANT_FOLD: AggregateFold<GrantState, GrantEvent> = { initial: initialGrant, evolve, topic: GRANT_TOPIC };

export interface GrantRow {
  id: string;
  chain_id: string;
  patient_id: string;
  patient_subject: string;
  grantee_id: string;
  grantee_subject: string;
  grantee_address: string;
  record_ids: string[];
  categories: string[];
  purpose: string;
  valid_from: string;
  valid_until: string;
  max_uses: number;
  access_request_id: string | null;
  emergency: boolean;
  status: string;
  issue_tx_hash: string | null;
  revoke_tx_hash: string | null;
  chain_error: string | null;
  version: number;
  created_at: Date;
  updated_at: Date;
}

export const toView = (r: GrantRow) => ({
  id: r.id,
  chainId: r.chain_id,
  patientId: r.patient_id,
  granteeId: r.grantee_id,
  grantee: r.grantee_address,
  scope: { recordIds: r.record_ids, categories: r.categories },
  purpose: r.purpose,
  validFrom: Number(r.valid_from),
  validUntil: Number(r.valid_until),
  maxUses: r.max_uses,
  accessRequestId: r.access_request_id,
  status: r.status,
  chain: { issueTxHash: r.issue_tx_hash, revokeTxHash: r.revoke_tx_hash, error: r.chain_error },
  createdAt: new Date(r.created_at).toISOString(),
  updatedAt: new Date(r.updated_at).toISOString(),
});

export const toFhir = (r: GrantRow) =>
  fhirConsentOf({
    id: r.id,
    status: r.status,
    patientId: r.patient_id,
    granteeId: r.grantee_id,
    scope: { recordIds: r.record_ids, categories: r.categories },
    purpose: r.purpose,
    validFrom: Number(r.valid_from),
    validUntil: Number(r.valid_until),
    maxUses: r.max_uses,
    createdAt: new Date(r.created_at).toISOString(),
    chainTxHash: r.issue_tx_hash,
  });

/** The only place the consent service touches its grant tables: event stream + projection. */
@Injectable()
export class GrantRepository {
  constructor(
    private readonly ds: DataSource,
    private readonly store: EventStore,
  ) {}

  async execute(
    id: string,
    command: GrantCommand,
    ctx: EventContext,
    alsoIn?: (m: EntityManager, events: EventEnvelope[]) => Promise<void>,
  ): Promise<EventEnvelope[]> {
    return this.ds.transaction(async (m) => {
      const envs = await this.executeIn(m, id, command, ctx);
      if (alsoIn) await alsoIn(m, envs);
      return envs;
    });
  }

  async executeIn(m: EntityManager, id: string, command: GrantCommand, ctx: EventContext): Promise<EventEnvelope[]> {
    const now = Math.floor(ctx.occurredAt.getTime() / 1000);
    return this.store.execute(
      m,
      id,
      GRANT_FOLD,
      (state) => decide(command, state, now),
      ctx,
      (env) => this.project(m, env),
    );
  }

  private async project(m: EntityManager, env: EventEnvelope): Promise<void> {
    const e = { type: env.type, payload: env.payload } as GrantEvent;
    const set = (sql: string, params: unknown[]) =>
      m.query(`update grants set ${sql}, version = $2, updated_at = $3 where id = $1`, [
        env.aggregateId,
        env.sequence,
        env.occurredAt,
        ...params,
      ]);
    switch (e.type) {
      case 'consent.GrantRequested': {
        const p = e.payload;
        await m.query(
          `insert into grants (id, chain_id, patient_id, patient_subject, grantee_id, grantee_subject, grantee_address,
             record_ids, categories, purpose, valid_from, valid_until, max_uses, access_request_id, status, version,
             created_at, updated_at)
           values ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,'requested',$15,$16,$16)`,
          [
            env.aggregateId,
            chainIdOf(env.aggregateId),
            p.patientId,
            p.patientSubject,
            p.granteeId,
            p.granteeSubject,
            p.grantee,
            JSON.stringify(p.scope.recordIds),
            JSON.stringify(p.scope.categories),
            p.purpose,
            p.validFrom,
            p.validUntil,
            p.maxUses,
            p.accessRequestId,
            env.sequence,
            env.occurredAt,
          ],
        );
        break;
      }
      case 'consent.GrantIssued':
        await set(`status = 'active', issue_tx_hash = $4`, [e.payload.txHash]);
        break;
      case 'consent.GrantRejected':
        await set(`status = 'rejected', chain_error = $4`, [e.payload.reason]);
        break;
      case 'consent.GrantRevocationRequested':
        await set(`status = 'revoking', chain_error = null`, []);
        break;
      case 'consent.GrantRevoked':
        await set(`status = 'revoked', revoke_tx_hash = $4`, [e.payload.txHash]);
        break;
      case 'consent.GrantRevocationFailed':
        await set(`status = 'active', chain_error = $4`, [e.payload.reason]);
        break;
      case 'consent.GrantExpired':
        await set(`status = 'expired'`, []);
        break;
    }
  }

  async rowOrThrow(id: string): Promise<GrantRow> {
    const rows: GrantRow[] = await this.ds.query('select * from grants where id = $1', [id]);
    if (!rows[0]) throw new NotFoundError('GrantNotFound', `no grant ${id}`);
    return rows[0];
  }

  async listFor(subject: string, limit: number): Promise<GrantRow[]> {
    return this.ds.query(
      `select * from grants where patient_subject = $1 or grantee_subject = $1 order by created_at desc limit $2`,
      [subject, limit],
    );
  }

  /** Grants whose window has closed but are still marked active. */
  async expiredIds(now: number, limit = 200): Promise<string[]> {
    const rows: Array<{ id: string }> = await this.ds.query(
      `select id from grants where status in ('active','revoking') and valid_until <= $1 order by valid_until limit $2`,
      [now, limit],
    );
    return rows.map((r) => r.id);
  }
}
