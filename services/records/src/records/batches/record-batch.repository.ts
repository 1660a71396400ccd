import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { EventStore, chainIdOf, type EventContext } from '@uhr/platform';
import { DataSource, type EntityManager } from 'typeorm';
import { recordLeafOf, responseLeafOf } from '../domain/on-chain.js';
import { decide, withRecordId, type RecordCommand } from '../domain/record.js';
import { RECORD_TOPIC, RecordRepository, stateOfRow, type RecordRow } from '../record.repository.js';
import { cutBatch, pairKey, pairsOf, type CutBatch, type Pair } from './domain/batch.js';

const pairOf = (r: { patient_id: string; provider_id: string }): Pair => ({
  patientId: chainIdOf(r.patient_id),
  providerId: chainIdOf(r.provider_id),
});

export interface OpenedBatch extends CutBatch {
  /** The (patient, provider) pairs of the batch's records, as bytes32 ids. */
  pairs: Pair[];
}

type BatchRow = Pick<
  RecordRow,
  | 'id'
  | 'patient_id'
  | 'provider_id'
  | 'patient_subject'
  | 'provider_subject'
  | 'category'
  | 'status'
  | 'content_hash'
  | 'pointer_hash'
  | 'anchor_auth_hash'
  | 'response_accept'
  | 'response_auth_hash'
  | 'version'
>;

const COLUMNS = `id, patient_id, provider_id, patient_subject, provider_subject, category, status, content_hash,
  pointer_hash, anchor_auth_hash, response_accept, response_auth_hash, version`;

/** The records service's Merkle batches: which rows a batch holds, and what its anchoring does to them. */
@Injectable()
export class RecordBatchRepository {
  constructor(
    private readonly ds: DataSource,
    private readonly store: EventStore,
    private readonly records: RecordRepository,
  ) {}

  /**
   * Cuts the signed records and answers nobody has batched yet (rows locked with SKIP LOCKED, so replicas cut
   * disjoint batches) into one tree; stores each row's root and proof, and calls `alsoIn` (the chain job) in the
   * same transaction.
   */
  async cut(
    max: number,
    endedOf: (pairs: Pair[]) => Promise<Set<string>>,
    alsoIn: (m: EntityManager, b: OpenedBatch) => Promise<void>,
  ): Promise<OpenedBatch | undefined> {
    if (!(await this.anyWaiting())) return undefined;
    return this.ds.transaction(async (m) => {
      const candidates: BatchRow[] = await m.query(
        `select ${COLUMNS} from records where status = 'anchoring' and anchor_root is null
          order by created_at limit $1 for update skip locked`,
        [max],
      );
      const records = await this.admit(m, candidates, endedOf);
      const responses: BatchRow[] = await m.query(
        `select ${COLUMNS} from records where status = 'responding' and response_root is null
          order by updated_at limit $1 for update skip locked`,
        [Math.max(0, max - records.length)],
      );
      const cut = cutBatch(
        records.map((r) => ({ recordId: r.id, leaf: recordLeafOf(r) })),
        responses.map((r) => ({ recordId: r.id, leaf: responseLeafOf(r) })),
      );
      if (!cut) return undefined;
      await this.place(m, cut, records.length, responses.length);
      const batch = { ...cut, pairs: pairsOf(records.map(pairOf)) };
      await alsoIn(m, batch);
      return batch;
    });
  }

  /** One indexed look before a cut: an idle tick costs one round trip, not a transaction of four. */
  private async anyWaiting(): Promise<boolean> {
    const [r] = (await this.ds.query(
      `select exists (select 1 from records where status = 'anchoring' and anchor_root is null)
           or exists (select 1 from records where status = 'responding' and response_root is null) as waiting`,
    )) as Array<{ waiting: boolean }>;
    return r?.waiting === true;
  }

  /**
   * The records whose relationship is still open (asked of the chain once per pair, as the batch is cut); a
   * record of a relationship the patient ended is refused (`anchor-rejected`), alone — never its batch.
   */
  private async admit(m: EntityManager, rows: BatchRow[], endedOf: (pairs: Pair[]) => Promise<Set<string>>) {
    if (rows.length === 0) return rows;
    const ended = await endedOf(pairsOf(rows.map(pairOf)));
    if (ended.size === 0) return rows;
    const ctx = {
      actor: 'records-batcher',
      correlationId: randomUUID(),
      causationId: 'batch-cut',
      occurredAt: new Date(),
    };
    for (const r of rows.filter((x) => ended.has(pairKey(pairOf(x))))) {
      await this.records.executeIn(m, r.id, { type: 'RejectAnchor', reason: 'RelationshipsRelationshipEnded' }, ctx);
    }
    return rows.filter((x) => !ended.has(pairKey(pairOf(x))));
  }

  private async place(m: EntityManager, cut: CutBatch, records: number, responses: number): Promise<void> {
    await m.query(
      // The same leaves cut again after a refusal make the same root: the batch row is reused.
      `insert into record_batches (root, leaf_count, records, responses, status) values ($1, $2, $3, $4, 'anchoring')
       on conflict (root) do update set status = 'anchoring', error = null, settled_at = null`,
      [cut.root, cut.leafCount, records, responses],
    );
    for (const [column, proofs] of [
      ['anchor', cut.recordProofs],
      ['response', cut.responseProofs],
    ] as const) {
      if (proofs.length === 0) continue;
      await m.query(
        `update records r set ${column}_root = $1, ${column}_proof = t.proof
           from unnest($2::uuid[], $3::text[]) as t(id, proof) where r.id = t.id`,
        [cut.root, proofs.map((p) => p.recordId), proofs.map((p) => p.proof)],
      );
    }
  }

  /**
   * The batch is on-chain: every record in it becomes `pending` (RecordAdded) and every answer final
   * (RecordAccepted/RecordRejected) — decided by the aggregate's own rules, all events in one statement and all
   * projection rows in another, whatever the batch's size.
   */
  async settle(m: EntityManager, root: string, txHash: string | null, ctx: EventContext): Promise<number> {
    const rows: BatchRow[] = await m.query(
      `select ${COLUMNS} from records where (anchor_root = $1 and status = 'anchoring')
          or (response_root = $1 and status = 'responding') for update`,
      [root],
    );
    const commandOf = (r: BatchRow): RecordCommand =>
      r.status === 'anchoring'
        ? { type: 'ConfirmAnchor', txHash, batchRoot: root }
        : { type: 'ConfirmResponse', accept: r.response_accept === true, txHash, batchRoot: root };
    const streams = rows.map((r) => ({
      streamId: r.id,
      expectedVersion: r.version,
      events: withRecordId(decide(commandOf(r), stateOfRow(r)), r.id),
    }));
    await this.store.appendMany(m, streams, ctx, RECORD_TOPIC);
    await m.query(
      `update records r set
         status = case when r.status = 'anchoring' then 'pending'
                       when r.response_accept then 'accepted' else 'rejected' end,
         anchor_tx_hash = case when r.status = 'anchoring' then $2 else r.anchor_tx_hash end,
         response_tx_hash = case when r.status = 'responding' then $2 else r.response_tx_hash end,
         version = r.version + 1, updated_at = $3
        from unnest($1::uuid[]) as t(id) where r.id = t.id`,
      [rows.map((r) => r.id), txHash, ctx.occurredAt],
    );
    await m.query(`update record_batches set status = 'anchored', tx_hash = $2, settled_at = now() where root = $1`, [
      root,
      txHash,
    ]);
    return rows.length;
  }

  /** The chain refused the batch: its rows go back to be cut again (a refusal never strands a record). */
  async release(m: EntityManager, root: string, reason: string): Promise<void> {
    await m.query(`update record_batches set status = 'rejected', error = $2, settled_at = now() where root = $1`, [
      root,
      reason,
    ]);
    await m.query(`update records set anchor_root = null, anchor_proof = null where anchor_root = $1`, [root]);
    await m.query(`update records set response_root = null, response_proof = null where response_root = $1`, [root]);
  }

  async batch(root: string): Promise<{ root: string; status: string; leaf_count: number } | undefined> {
    const rows: Array<{ root: string; status: string; leaf_count: number }> = await this.ds.query(
      'select root, status, leaf_count from record_batches where root = $1',
      [root],
    );
    return rows[0];
  }
}
