import { Injectable } from '@nestjs/common';
import { ConflictError, EventStore, ForbiddenError, NotFoundError, topicOf, type EventContext } from '@uhr/platform';
import { DataSource, type EntityManager } from 'typeorm';
import { AccessRequestRuleViolation, decideAnswer, type AccessRequestEvent } from './domain/access-request.js';

export const ACCESS_REQUEST_TOPIC = topicOf('consent', 'access-request', 1);

export interface AccessRequestRow {
  id: string;
  patient_id: string;
  patient_subject: string;
  requester_id: string;
  requester_subject: string;
  purpose: string;
  record_ids: string[];
  categories: string[];
  status: 'open' | 'approved' | 'denied';
  grant_id: string | null;
  reason: string | null;
  created_at: Date;
  updated_at: Date;
}

export const toView = (r: AccessRequestRow) => ({
  id: r.id,
  patientId: r.patient_id,
  requesterId: r.requester_id,
  purpose: r.purpose,
  scope: { recordIds: r.record_ids, categories: r.categories },
  status: r.status,
  grantId: r.grant_id,
  reason: r.reason,
  createdAt: new Date(r.created_at).toISOString(),
});

@Injectable()
export class AccessRequestRepository {
  constructor(
    private readonly ds: DataSource,
    private readonly store: EventStore,
  ) {}

  async open(event: Extract<AccessRequestEvent, { type: 'consent.AccessRequested' }>, ctx: EventContext) {
    const p = event.payload;
    await this.ds.transaction(async (m) => {
      await this.store.append(m, p.requestId, 0, [event], ctx, ACCESS_REQUEST_TOPIC);
      await m.query(
        `insert into access_requests (id, patient_id, patient_subject, requester_id, requester_subject, purpose, record_ids,
           categories, status, created_at, updated_at) values ($1,$2,$3,$4,$5,$6,$7,$8,'open',$9,$9)`,
        [
          p.requestId,
          p.patientId,
          p.patientSubject,
          p.requesterId,
          p.requesterSubject,
          p.purpose,
          JSON.stringify(p.recordIds),
          JSON.stringify(p.categories),
          ctx.occurredAt,
        ],
      );
    });
  }

  /** Applies the patient's answer (optionally with more work in the same transaction, e.g. issuing the grant). */
  async answer(
    id: string,
    by: string,
    answer: { approve: true; grantId: string } | { approve: false; reason: string },
    ctx: EventContext,
    m?: EntityManager,
  ) {
    const work = async (tx: EntityManager) => {
      const [row] = (await tx.query('select * from access_requests where id = $1 for update', [
        id,
      ])) as AccessRequestRow[];
      if (!row) throw new NotFoundError('AccessRequestNotFound', `no access request ${id}`);
      let event: AccessRequestEvent;
      try {
        event = decideAnswer(
          { status: row.status, patientSubject: row.patient_subject, requesterSubject: row.requester_subject },
          by,
          answer,
          id,
        );
      } catch (err) {
        if (!(err instanceof AccessRequestRuleViolation)) throw err;
        throw err.code === 'NotThePatient'
          ? new ForbiddenError(err.code, err.message)
          : new ConflictError(err.code, err.message);
      }
      const history = await this.store.load(id, tx);
      await this.store.append(tx, id, history.length, [event], ctx, ACCESS_REQUEST_TOPIC);
      await tx.query(
        `update access_requests set status = $2, grant_id = $3, reason = $4, updated_at = $5 where id = $1`,
        [
          id,
          answer.approve ? 'approved' : 'denied',
          answer.approve ? answer.grantId : null,
          answer.approve ? null : answer.reason,
          ctx.occurredAt,
        ],
      );
    };
    return m ? work(m) : this.ds.transaction(work);
  }

  async rowOrThrow(id: string): Promise<AccessRequestRow> {
    const rows: AccessRequestRow[] = await this.ds.query('select * from access_requests where id = $1', [id]);
    if (!rows[0]) throw new NotFoundError('AccessRequestNotFound', `no access request ${id}`);
    return rows[0];
  }

  async listFor(subject: string, limit: number): Promise<AccessRequestRow[]> {
    return this.ds.query(
      `select * from access_requests where patient_subject = $1 or requester_subject = $1 order by created_at desc limit $2`,
      [subject, limit],
    );
  }
}
