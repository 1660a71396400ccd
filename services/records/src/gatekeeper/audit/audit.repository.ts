import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import {
  appendSql,
  envelopesOf,
  OUTBOX_CHANNEL,
  topicOf,
  type DomainEvent,
  type EventContext,
  type EventEnvelope,
} from '@uhr/platform';
import { keccak256, toUtf8Bytes } from 'ethers';
import { DataSource } from 'typeorm';
import { RECORD_TOPIC } from '../../records/record.repository.js';
import { auditEventOf, type AuditFacts } from './audit-event.js';
import type { AccessConcern } from '../domain/access-concern.js';

export const ACCESS_TOPIC = topicOf('records', 'access', 1);

export interface AuditInput extends Omit<AuditFacts, 'id' | 'recordedAt'> {
  patientSubject: string | null;
  /** Set for integrity violations: the anchored and the actual hash. */
  integrity?: { expectedHash: string; actualHash: string };
}

/** Anything that runs SQL: the DataSource, or a transaction's EntityManager. */
export interface Queryable {
  query(sql: string, params?: unknown[]): Promise<any>;
}

/** A signed request's (signer, nonce), single-use until it expires. */
export interface NonceClaim {
  signer: string;
  nonce: string;
  expiresAt: Date;
}

export interface AuditEntryView {
  id: string;
  recordedAt: string;
  recordId: string;
  readerSubject: string;
  outcome: string;
  reason: string | null;
  grantId: string | null;
  auditEvent: unknown;
  dataHash: string;
  anchor: { seq: number; batchId: number; status: string; txHash: string | null } | null;
  /** The patient's concern about this access, once raised. */
  concern: { raisedAt: string; message: string } | null;
}

interface Row {
  id: string;
  recorded_at: Date;
  record_id: string;
  reader_subject: string;
  outcome: string;
  reason: string | null;
  grant_id: string | null;
  audit_json: string;
  data_hash: string;
  anchor_seq: string | null;
  batch_id: string | null;
  batch_status: string | null;
  tx_hash: string | null;
  concern_raised_at: Date | null;
  concern_message: string | null;
}

const toView = (r: Row): AuditEntryView => ({
  id: r.id,
  recordedAt: new Date(r.recorded_at).toISOString(),
  recordId: r.record_id,
  readerSubject: r.reader_subject,
  outcome: r.outcome,
  reason: r.reason,
  grantId: r.grant_id,
  auditEvent: JSON.parse(r.audit_json) as unknown,
  dataHash: r.data_hash,
  anchor:
    r.anchor_seq === null || r.batch_id === null
      ? null
      : {
          seq: Number(r.anchor_seq),
          batchId: Number(r.batch_id),
          status: r.batch_status ?? 'pending',
          txHash: r.tx_hash,
        },
  concern:
    r.concern_raised_at === null
      ? null
      : { raisedAt: new Date(r.concern_raised_at).toISOString(), message: r.concern_message ?? '' },
});

interface ConcernRow {
  audit_id: string;
  record_id: string;
  patient_subject: string;
  reader_subject: string;
  message: string;
  raised_at: Date;
}

const concernOf = (r: ConcernRow): AccessConcern => ({
  auditId: r.audit_id,
  recordId: r.record_id,
  patientSubject: r.patient_subject,
  readerSubject: r.reader_subject,
  message: r.message,
  raisedAt: new Date(r.raised_at).toISOString(),
});

/**
 * Every gatekeeper decision, allowed or denied: one audit row and its event (records.RecordRead /
 * records.AccessDenied, plus records.IntegrityViolationDetected on tampering) in one transaction.
 */
@Injectable()
export class AuditRepository {
  constructor(private readonly ds: DataSource) {}

  async record(input: AuditInput, ctx: EventContext): Promise<string> {
    return (await this.recordClaiming(input, ctx)).auditId;
  }

  /** The entry inside the caller's transaction (a chain job's settlement writes the read it paid for). */
  async recordIn(m: Queryable, input: AuditInput, ctx: EventContext): Promise<string> {
    return (await this.recordClaiming(input, ctx, undefined, m)).auditId;
  }

  /**
   * The audit entry and its events — and, with `claim`, the signed request's nonce — in ONE statement: a single
   * round trip on the read path. If the nonce was seen before, nothing of the entry is written by it; a
   * `NonceReplayed` denial is recorded instead (a second statement, on that rare path) and `replayed` tells the
   * caller not to serve.
   */
  async recordClaiming(
    entry: AuditInput,
    ctx: EventContext,
    claim?: NonceClaim,
    runner: Queryable = this.ds,
  ): Promise<{ auditId: string; replayed: boolean }> {
    const id = randomUUID();
    const recordedAt = ctx.occurredAt.toISOString();
    const written = this.variant(entry, id, recordedAt, ctx);
    const params: unknown[] = claim ? [claim.signer, claim.nonce, claim.expiresAt] : [];
    const p = (v: unknown) => `$${params.push(v)}`;
    const ctes: string[] = [
      claim
        ? `claim as (insert into read_nonces (signer, nonce, expires_at) select $1, $2, $3::timestamptz
             on conflict do nothing returning 1),
           fresh as (select exists (select 1 from claim) as ok)`
        : `fresh as (select true as ok)`,
      `entry as (
         insert into audit_entries (id, recorded_at, record_id, patient_subject, reader_subject, outcome, reason,
           grant_id, audit_json, data_hash)
         select ${p(id)}::uuid, ${p(recordedAt)}::timestamptz, ${p(entry.recordId)}::uuid,
           ${p(entry.patientSubject)}::text, ${p(entry.readerSubject)}::text, ${p(entry.outcome)}::text,
           ${p(entry.reason)}::text, ${p(entry.grantId)}::text, ${p(written.json)}::text, ${p(written.dataHash)}::text
         from fresh where ok)`,
    ];
    const add = (name: string, envs: EventEnvelope[], topic: string) => {
      if (envs.length === 0) return;
      const part = appendSql(envs, topic, { name, firstParam: params.length + 1, when: '(select ok from fresh)' });
      params.push(...part.params);
      ctes.push(part.ctes);
    };
    add('access', written.access, ACCESS_TOPIC);
    add('integrity', written.integrity, RECORD_TOPIC);
    const rows: Array<{ ok: boolean }> = await runner.query(
      `with ${ctes.join(',\n')} select (select ok from fresh) as ok, pg_notify('${OUTBOX_CHANNEL}', '')`,
      params,
    );
    if (rows[0]?.ok !== false) return { auditId: id, replayed: false };
    const replay: AuditInput = { ...entry, outcome: 'denied', reason: 'NonceReplayed', basis: null };
    delete replay.integrity;
    return { auditId: (await this.recordClaiming(replay, ctx)).auditId, replayed: true };
  }

  /** One possible outcome of an audit write: the AuditEvent JSON, its hash, and the events to publish. */
  private variant(input: AuditInput, id: string, recordedAt: string, ctx: EventContext) {
    const json = JSON.stringify(auditEventOf({ ...input, id, recordedAt }));
    const dataHash = keccak256(toUtf8Bytes(json));
    const base = {
      auditId: id,
      recordId: input.recordId,
      patientSubject: input.patientSubject,
      readerSubject: input.readerSubject,
      grantId: input.grantId,
      purpose: input.purpose,
    };
    const access: DomainEvent =
      input.outcome === 'allowed'
        ? { type: 'records.RecordRead', version: 1, payload: { ...base, basis: input.basis } }
        : { type: 'records.AccessDenied', version: 1, payload: { ...base, reason: input.reason ?? 'denied' } };
    const integrity: DomainEvent[] = input.integrity
      ? [
          {
            type: 'records.IntegrityViolationDetected',
            version: 1,
            payload: {
              auditId: id,
              recordId: input.recordId,
              patientSubject: input.patientSubject,
              readerSubject: input.readerSubject,
              expectedHash: input.integrity.expectedHash,
              actualHash: input.integrity.actualHash,
            },
          },
        ]
      : [];
    return {
      json,
      dataHash,
      access: envelopesOf([{ streamId: id, expectedVersion: 0, events: [access] }], ctx),
      integrity: envelopesOf([{ streamId: `integrity-${id}`, expectedVersion: 0, events: integrity }], ctx),
    };
  }

  /** True the first time a (signer, nonce) is seen. */
  async claimNonce(signer: string, nonce: string, expiresAt: Date): Promise<boolean> {
    const rows: unknown[] = await this.ds.query(
      `insert into read_nonces (signer, nonce, expires_at) values ($1,$2,$3) on conflict do nothing returning nonce`,
      [signer, nonce, expiresAt],
    );
    return rows.length === 1;
  }

  private readonly select = `select a.*, b.status as batch_status, b.tx_hash,
        c.raised_at as concern_raised_at, c.message as concern_message
      from audit_entries a
      left join audit_batches b on b.id = a.batch_id
      left join access_concerns c on c.audit_id = a.id`;

  async forPatient(subject: string, limit: number): Promise<AuditEntryView[]> {
    const rows: Row[] = await this.ds.query(
      `${this.select} where a.patient_subject = $1 order by a.position desc limit $2`,
      [subject, limit],
    );
    return rows.map(toView);
  }

  async forRecord(recordId: string, limit: number): Promise<AuditEntryView[]> {
    const rows: Row[] = await this.ds.query(`${this.select} where a.record_id = $1 order by a.position desc limit $2`, [
      recordId,
      limit,
    ]);
    return rows.map(toView);
  }

  async all(limit: number): Promise<AuditEntryView[]> {
    const rows: Row[] = await this.ds.query(`${this.select} order by a.position desc limit $1`, [limit]);
    return rows.map(toView);
  }

  async byId(id: string): Promise<(AuditEntryView & { patientSubject: string | null }) | undefined> {
    const rows: Array<Row & { patient_subject: string | null }> = await this.ds.query(
      `${this.select} where a.id = $1`,
      [id],
    );
    return rows[0] ? { ...toView(rows[0]), patientSubject: rows[0].patient_subject } : undefined;
  }

  async concernAbout(auditId: string): Promise<AccessConcern | undefined> {
    const rows: ConcernRow[] = await this.ds.query('select * from access_concerns where audit_id = $1', [auditId]);
    return rows[0] ? concernOf(rows[0]) : undefined;
  }

  /**
   * The concern and its event in one statement; false when a concern about that access was already there
   * (nothing written: the event's stream is the access's, version 0).
   */
  async raiseConcern(c: AccessConcern, event: DomainEvent, ctx: EventContext): Promise<boolean> {
    const params: unknown[] = [c.auditId, c.recordId, c.patientSubject, c.readerSubject, c.message, c.raisedAt];
    const envs = envelopesOf([{ streamId: `concern-${c.auditId}`, expectedVersion: 0, events: [event] }], ctx);
    const part = appendSql(envs, ACCESS_TOPIC, {
      name: 'concern',
      firstParam: params.length + 1,
      when: 'exists (select 1 from raised)',
    });
    const rows: Array<{ created: boolean }> = await this.ds.query(
      `with raised as (
         insert into access_concerns (audit_id, record_id, patient_subject, reader_subject, message, raised_at)
         values ($1::uuid, $2::uuid, $3, $4, $5, $6::timestamptz) on conflict do nothing returning 1),
       ${part.ctes}
       select exists (select 1 from raised) as created, pg_notify('${OUTBOX_CHANNEL}', '')`,
      [...params, ...part.params],
    );
    return rows[0]?.created === true;
  }

  /** Concerns raised by patients, newest first (auditors and administrators). */
  async concerns(limit: number): Promise<AccessConcern[]> {
    const rows: ConcernRow[] = await this.ds.query('select * from access_concerns order by position desc limit $1', [
      limit,
    ]);
    return rows.map(concernOf);
  }
}
