import { Injectable } from '@nestjs/common';
import {
  appendSql,
  ConcurrencyError,
  envelopesOf,
  OUTBOX_CHANNEL,
  withConcurrencyErrors,
  type AggregateFold,
  EventStore,
  NotFoundError,
  topicOf,
  type EventContext,
  type EventEnvelope,
} from '@uhr/platform';
import { keccak256 } from 'ethers';
import { DataSource, type EntityManager } from 'typeorm';
import { RecordTitles } from './record-titles.js';
import {
  decide,
  evolve,
  initialRecord,
  withRecordId,
  type RecordCommand,
  type RecordEvent,
  type RecordState,
} from './domain/record.js';

export const RECORD_TOPIC = topicOf('records', 'record', 1);
const RECORD_FOLD: AggregateFold<RecordState, RecordEvent> = { initial: initialRecord, evolve, topic: RECORD_TOPIC };

export type UploadCommand = Extract<RecordCommand, { type: 'UploadRecord' }>;
type UploadedPayload = Extract<RecordEvent, { type: 'records.RecordUploaded' }>['payload'];

export interface RecordRow {
  id: string;
  patient_id: string;
  provider_id: string;
  patient_subject: string;
  provider_subject: string;
  category: string;
  /** In memory only: opened from `title_sealed` by RecordTitles (the column `title` is empty for new rows). */
  title: string;
  title_sealed: string | null;
  kind: 'fhir' | 'file';
  resource_type: string;
  content_type: string;
  /** How content_hash and pointer_hash are made (on-chain.ts). */
  content_scheme: 1 | 2;
  blob_key: string;
  /** Hex sha256 of the stored object, checked before decrypting. */
  blob_sha256: string;
  content_hash: string;
  pointer_hash: string;
  size: number;
  status: string;
  anchor_tx_hash: string | null;
  response_tx_hash: string | null;
  chain_error: string | null;
  /** keccak256 of the author's AddRecord signature (the leaf's authHash); set once the signature is accepted. */
  anchor_auth_hash: string | null;
  /** The Merkle batch the record was cut into, and its inclusion proof. */
  anchor_root: string | null;
  /** The sibling hashes, comma-separated (empty for a batch of one). */
  anchor_proof: string | null;
  response_accept: boolean | null;
  response_auth_hash: string | null;
  response_root: string | null;
  response_proof: string | null;
  version: number;
  created_at: Date;
  updated_at: Date;
}

export interface RecordView {
  id: string;
  patientId: string;
  providerId: string;
  category: string;
  title: string;
  kind: string;
  resourceType: string;
  contentType: string;
  size: number;
  contentHash: string;
  status: string;
  chain: {
    anchorTxHash: string | null;
    batchRoot: string | null;
    responseTxHash: string | null;
    responseBatchRoot: string | null;
    error: string | null;
  };
  createdAt: string;
  updatedAt: string;
}

export const toView = (r: RecordRow): RecordView => ({
  id: r.id,
  patientId: r.patient_id,
  providerId: r.provider_id,
  category: r.category,
  title: r.title,
  kind: r.kind,
  resourceType: r.resource_type,
  contentType: r.content_type,
  size: r.size,
  contentHash: r.content_hash,
  status: r.status,
  chain: {
    anchorTxHash: r.anchor_tx_hash,
    batchRoot: r.anchor_root,
    responseTxHash: r.response_tx_hash,
    responseBatchRoot: r.response_root,
    error: r.chain_error,
  },
  createdAt: new Date(r.created_at).toISOString(),
  updatedAt: new Date(r.updated_at).toISOString(),
});

/** The projection row a just-committed upload has (what `projectUploads` wrote), without reading it back. */
export const rowOf = (u: UploadCommand, ctx: EventContext): RecordRow => ({
  id: u.recordId,
  patient_id: u.patientId,
  provider_id: u.providerId,
  patient_subject: u.patientSubject,
  provider_subject: u.providerSubject,
  category: u.category,
  title: u.title,
  title_sealed: u.titleSealed,
  kind: u.content.kind,
  resource_type: u.content.resourceType,
  content_type: u.content.contentType,
  content_scheme: u.content.scheme,
  blob_key: u.content.blobKey,
  blob_sha256: u.content.blobSha256,
  content_hash: u.content.contentHash,
  pointer_hash: u.content.pointerHash,
  size: u.content.size,
  status: u.anchor ? 'anchoring' : 'uploaded',
  anchor_tx_hash: null,
  response_tx_hash: null,
  chain_error: null,
  anchor_auth_hash: u.anchor ? keccak256(u.anchor.signature) : null,
  anchor_root: null,
  anchor_proof: null,
  response_accept: null,
  response_auth_hash: null,
  response_root: null,
  response_proof: null,
  version: u.anchor ? 2 : 1,
  created_at: ctx.occurredAt,
  updated_at: ctx.occurredAt,
});

/**
 * The aggregate's state as its projection row holds it (written in the same transaction as every event): what
 * bulk commands decide on instead of folding a thousand streams one by one.
 */
export const stateOfRow = (
  r: Pick<RecordRow, 'status' | 'patient_subject' | 'provider_subject' | 'category'>,
): RecordState => ({
  exists: true,
  status: r.status as RecordState['status'],
  patientSubject: r.patient_subject,
  providerSubject: r.provider_subject,
  category: r.category as RecordState['category'],
});

/** The only place the records service touches its PostgreSQL tables for records: event stream + projection. */
@Injectable()
export class RecordRepository {
  constructor(
    private readonly ds: DataSource,
    private readonly store: EventStore,
    private readonly titles: RecordTitles,
  ) {}

  /** Load → decide → append events + outbox + projection, plus `alsoIn` (e.g. a chain job), in one transaction. */
  async execute(
    id: string,
    command: RecordCommand,
    ctx: EventContext,
    alsoIn?: (m: EntityManager, events: EventEnvelope[]) => Promise<void>,
  ): Promise<EventEnvelope[]> {
    return this.ds.transaction(async (m) => {
      const envs = await this.executeIn(m, id, command, ctx);
      if (alsoIn) await alsoIn(m, envs);
      return envs;
    });
  }

  /**
   * New records, many at once (bulk ingest, or single uploads committed as a group): every upload decided
   * against an empty stream (ids are fresh UUIDs; one taken after all fails the whole call with
   * ConcurrencyError), then ALL their events + outbox rows in one statement and all their projection rows in
   * another — one transaction, four round trips, whatever the number. Each keeps its own request's context.
   */
  async insertUploads(items: ReadonlyArray<{ upload: UploadCommand; ctx: EventContext }>): Promise<EventEnvelope[]> {
    const streams = items.map(({ upload, ctx }) => ({
      streamId: upload.recordId,
      expectedVersion: 0,
      events: withRecordId(decide(upload, initialRecord), upload.recordId),
      ctx,
    }));
    return this.ds.transaction(async (m) => {
      const envelopes = await this.store.appendMany(m, streams, items[0]!.ctx, RECORD_TOPIC);
      await this.projectUploads(m, envelopes);
      return envelopes;
    });
  }

  /**
   * A single record's signed anchor, on the hot path: decided on the row's state and written — event, outbox
   * row and projection — in ONE statement (no transaction round trips). The row update is guarded by the version
   * the decision was made on, so a concurrent change makes it write nothing and answer ConcurrencyError.
   */
  async requestAnchor(
    row: RecordRow,
    cmd: Extract<RecordCommand, { type: 'RequestAnchor' }>,
    ctx: EventContext,
  ): Promise<EventEnvelope> {
    const stream = { streamId: row.id, expectedVersion: row.version };
    const [env] = envelopesOf([{ ...stream, events: withRecordId(decide(cmd, stateOfRow(row)), row.id) }], ctx);
    const part = appendSql([env!], RECORD_TOPIC, { name: 'anchor', firstParam: 6, when: 'exists (select 1 from upd)' });
    const rows: Array<{ n: number }> = await withConcurrencyErrors([stream], () =>
      this.ds.query(
        `with upd as (
           update records set status = 'anchoring', chain_error = null, anchor_auth_hash = $3, anchor_root = null,
                  version = version + 1, updated_at = $4
            where id = $1 and version = $2 and status = $5 returning id
         ), ${part.ctes}
         select (select count(*)::int from upd) as n, pg_notify('${OUTBOX_CHANNEL}', '')`,
        [row.id, row.version, keccak256(cmd.signature), ctx.occurredAt, row.status, ...part.params],
      ),
    );
    if (rows[0]?.n !== 1) throw new ConcurrencyError(row.id, row.version);
    return env!;
  }

  /**
   * One signature anchoring many records (a bulk batch's AddRecords): each record decided on its row's state
   * (locked), all events in one statement, all rows in another.
   */
  async requestAnchors(
    ids: readonly string[],
    cmd: Extract<RecordCommand, { type: 'RequestAnchor' }>,
    ctx: EventContext,
  ): Promise<RecordRow[]> {
    return this.ds.transaction(async (m) => {
      const rows: RecordRow[] = (
        await m.query('select * from records where id = any($1::uuid[]) for update', [ids])
      ).map((r: RecordRow) => this.titles.open(r));
      const streams = rows.map((r) => ({
        streamId: r.id,
        expectedVersion: r.version,
        events: withRecordId(decide(cmd, stateOfRow(r)), r.id),
      }));
      await this.store.appendMany(m, streams, ctx, RECORD_TOPIC);
      await m.query(
        `update records set status = 'anchoring', chain_error = null, anchor_auth_hash = $2, anchor_root = null,
           version = version + 1, updated_at = $3 where id = any($1::uuid[])`,
        [rows.map((r) => r.id), keccak256(cmd.signature), ctx.occurredAt],
      );
      return rows.map((r) => ({ ...r, status: 'anchoring', version: r.version + 1 }));
    });
  }

  async executeIn(m: EntityManager, id: string, command: RecordCommand, ctx: EventContext): Promise<EventEnvelope[]> {
    return this.store.execute(
      m,
      id,
      RECORD_FOLD,
      (state) => withRecordId(decide(command, state), id),
      ctx,
      (env) => this.project(m, env),
    );
  }

  private async project(m: EntityManager, env: EventEnvelope): Promise<void> {
    const e = { type: env.type, payload: env.payload } as RecordEvent;
    const at = env.occurredAt;
    const set = (sql: string, params: unknown[]) =>
      m.query(`update records set ${sql}, version = $2, updated_at = $3 where id = $1`, [
        env.aggregateId,
        env.sequence,
        at,
        ...params,
      ]);
    switch (e.type) {
      case 'records.RecordUploaded':
        await this.projectUploads(m, [env]);
        break;
      case 'records.RecordAnchorRequested':
        await set(`status = 'anchoring', chain_error = null, anchor_auth_hash = $4, anchor_root = null`, [
          keccak256(e.payload.signature),
        ]);
        break;
      case 'records.RecordAdded':
        await set(`status = 'pending', anchor_tx_hash = $4`, [e.payload.txHash]);
        break;
      case 'records.RecordAnchorRejected':
        await set(`status = 'anchor-rejected', chain_error = $4, anchor_root = null, anchor_proof = null`, [
          e.payload.reason,
        ]);
        break;
      case 'records.RecordResponseRequested':
        await set(
          `status = 'responding', chain_error = null, response_accept = $4, response_auth_hash = $5,
           response_root = null`,
          [e.payload.accept, keccak256(e.payload.signature)],
        );
        break;
      case 'records.RecordAccepted':
        await set(`status = 'accepted', response_tx_hash = $4`, [e.payload.txHash]);
        break;
      case 'records.RecordRejected':
        await set(`status = 'rejected', response_tx_hash = $4`, [e.payload.txHash]);
        break;
      case 'records.RecordErased':
        // What is left of it: no blob, no title; the row stays so its anchor and history still resolve.
        await set(`status = 'erased', blob_key = '', blob_sha256 = '', title = null, title_sealed = null`, []);
        break;
      case 'records.RecordResponseFailed':
        await set(`status = 'pending', chain_error = $4, response_root = null, response_proof = null`, [
          e.payload.reason,
        ]);
        break;
    }
  }

  /**
   * The `records` rows of RecordUploaded envelopes, all in one statement; an upload signed in the same request
   * (its RecordAnchorRequested beside it) lands `anchoring`, with its authorisation hash, waiting for a batch.
   */
  private async projectUploads(m: EntityManager, envelopes: readonly EventEnvelope[]): Promise<void> {
    const ups = envelopes.filter((env) => env.type === 'records.RecordUploaded');
    if (ups.length === 0) return;
    const signed = new Map(
      envelopes
        .filter((env) => env.type === 'records.RecordAnchorRequested')
        .map((env) => [env.aggregateId, env] as const),
    );
    const col = <T>(f: (p: UploadedPayload) => T) => ups.map((env) => f(env.payload as UploadedPayload));
    const anchor = (env: EventEnvelope) => signed.get(env.aggregateId)?.payload as { signature: string } | undefined;
    await m.query(
      `insert into records (id, patient_id, provider_id, patient_subject, provider_subject, category, title_sealed, kind,
         resource_type, content_type, content_scheme, blob_key, blob_sha256, content_hash, pointer_hash, size,
         status, anchor_auth_hash, version, created_at, updated_at)
       select id, patient_id, provider_id, patient_subject, provider_subject, category, title_sealed, kind, resource_type,
              content_type, scheme, blob_key, blob_sha256, content_hash, pointer_hash, size,
              case when auth_hash is null then 'uploaded' else 'anchoring' end, auth_hash, version, at, at
         from unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
                     $9::text[], $10::text[], $11::smallint[], $12::text[], $13::text[], $14::text[], $15::text[],
                     $16::int[], $17::text[], $18::int[], $19::timestamptz[])
           as t(id, patient_id, provider_id, patient_subject, provider_subject, category, title_sealed, kind, resource_type,
                content_type, scheme, blob_key, blob_sha256, content_hash, pointer_hash, size, auth_hash, version, at)`,
      [
        ups.map((env) => env.aggregateId),
        col((p) => p.patientId),
        col((p) => p.providerId),
        col((p) => p.patientSubject),
        col((p) => p.providerSubject),
        col((p) => p.category),
        col((p) => p.titleSealed),
        col((p) => p.content.kind),
        col((p) => p.content.resourceType),
        col((p) => p.content.contentType),
        col((p) => p.content.scheme),
        col((p) => p.content.blobKey),
        col((p) => p.content.blobSha256),
        col((p) => p.content.contentHash),
        col((p) => p.content.pointerHash),
        col((p) => p.content.size),
        ups.map((env) => {
          const a = anchor(env);
          return a ? keccak256(a.signature) : null;
        }),
        ups.map((env) => signed.get(env.aggregateId)?.sequence ?? env.sequence),
        ups.map((env) => env.occurredAt),
      ],
    );
  }

  /**
   * Erases one record: under row locks on it and on every record of its pack (so concurrent erasures of one pack
   * run one after the other, each seeing where the other moved its siblings), `repack` writes the siblings to a
   * new pack, and their new refs, the RecordErased event and its projection commit together.
   */
  async erase(
    recordId: string,
    cmd: Extract<RecordCommand, { type: 'EraseRecord' }>,
    ctx: EventContext,
    repack: (
      row: RecordRow,
      siblings: RecordRow[],
    ) => Promise<Array<{ id: string; blobKey: string; blobSha256: string }>>,
  ): Promise<RecordRow> {
    return this.ds.transaction(async (m) => {
      const [row] = (await m.query('select * from records where id = $1 for update', [recordId])) as RecordRow[];
      if (!row) throw new NotFoundError('RecordNotFound', `no record ${recordId}`);
      decide(cmd, stateOfRow(row)); // refused before any storage work: not the patient, erased already
      const pack = row.blob_key.replace(/#\d+\+\d+$/, '');
      const siblings = (await m.query(
        `select * from records where blob_key like $1 || '#%' and id <> $2 order by blob_key for update`,
        [pack.replace(/[\\%_]/g, (c) => `\\${c}`), recordId],
      )) as RecordRow[];
      const moved = await repack(row, siblings);
      await m.query(
        `update records set blob_key = t.k, blob_sha256 = t.h
           from unnest($1::uuid[], $2::text[], $3::text[]) as t(id, k, h) where records.id = t.id`,
        [moved.map((x) => x.id), moved.map((x) => x.blobKey), moved.map((x) => x.blobSha256)],
      );
      await this.executeIn(m, recordId, cmd, ctx);
      return row;
    });
  }

  async row(id: string): Promise<RecordRow | undefined> {
    const rows: RecordRow[] = await this.ds.query('select * from records where id = $1', [id]);
    return rows[0] && this.titles.open(rows[0]);
  }

  async rowOrThrow(id: string): Promise<RecordRow> {
    const row = await this.row(id);
    if (!row) throw new NotFoundError('RecordNotFound', `no record ${id}`);
    return row;
  }

  /** The rows of `ids`, in that order; 404 naming the first that does not exist. */
  async rowsOrThrow(ids: readonly string[]): Promise<RecordRow[]> {
    const rows: RecordRow[] = await this.ds.query('select * from records where id = any($1::uuid[])', [ids]);
    const byId = new Map(rows.map((r) => [r.id, this.titles.open(r)]));
    return ids.map((id) => {
      const row = byId.get(id);
      if (!row) throw new NotFoundError('RecordNotFound', `no record ${id}`);
      return row;
    });
  }

  /** Records a login may see in lists: those it is the patient of or the author of. */
  async listFor(subject: string, limit: number): Promise<RecordView[]> {
    const rows: RecordRow[] = await this.ds.query(
      `select * from records where patient_subject = $1 or provider_subject = $1 order by created_at desc limit $2`,
      [subject, limit],
    );
    return rows.map((r) => toView(this.titles.open(r)));
  }

  async history(id: string): Promise<EventEnvelope[]> {
    return this.store.load(id);
  }
}
