import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import {
  ForbiddenError,
  type EventContext,
  type Principal,
  chainIdOf,
  IdentityDirectory,
  assertSignedBy,
} from '@uhr/platform';
import { relationshipsTypedData, type TypedDataRequest } from '@uhr/contracts';
import { DataSource } from 'typeorm';
import { Contracts } from '../../../chain/contracts.js';
import { RecordRepository, toView, type RecordRow } from '../../record.repository.js';
import { assertBeforeDeadline, refusalsAsHttp } from '../rule-violation.js';

export interface RespondToRecords {
  recordIds: string[];
  accept: boolean;
  nonce: string;
  deadline: string;
  signature: string;
}

export const MAX_RESPONSES = 500;
const SIGNATURE_TTL_S = 3600;

/**
 * The patient accepts or rejects records — one or many — with ONE RespondToRecords signature, checked here
 * against the patient's bound key; each answer becomes a leaf of the next Merkle batch (ADR 0008), so 50
 * answers cost the patient one signature and the chain a share of one transaction.
 */
@Injectable()
export class RespondToRecordUseCase {
  constructor(
    private readonly records: RecordRepository,
    private readonly directory: IdentityDirectory,
    private readonly contracts: Contracts,
    private readonly ds: DataSource,
  ) {}

  /** The message to sign (only the records' patient may ask: it reveals nothing but ids, yet BOLA is BOLA). */
  async typedData(recordIds: string[], accept: boolean, p: Principal): Promise<TypedDataRequest> {
    const rows = await this.rowsOfPatient(recordIds, p);
    const nonce = BigInt('0x' + randomBytes(8).toString('hex')).toString();
    return this.typed(rows, accept, nonce, String(Math.floor(Date.now() / 1000) + SIGNATURE_TTL_S));
  }

  async execute(cmd: RespondToRecords, p: Principal, ctx: EventContext) {
    const rows = await this.rowsOfPatient(cmd.recordIds, p);
    assertBeforeDeadline('RespondToRecords', cmd.deadline, ctx);
    const typed = this.typed(rows, cmd.accept, cmd.nonce, cmd.deadline);
    await assertSignedBy(this.directory, rows[0]!.patient_id, p.subject, typed, cmd.signature);
    const signedRecordIds = rows.map((r) => chainIdOf(r.id));
    await refusalsAsHttp(() =>
      this.ds.transaction(async (m) => {
        for (const row of rows) {
          await this.records.executeIn(
            m,
            row.id,
            { type: 'Respond', by: p.subject, signedRecordIds, ...pick(cmd) },
            ctx,
          );
        }
      }),
    );
    return { records: rows.map((r) => toView({ ...r, status: 'responding' })) };
  }

  /** Every record named, all of one patient — the caller. */
  private async rowsOfPatient(recordIds: string[], p: Principal): Promise<RecordRow[]> {
    const rows = await Promise.all([...new Set(recordIds)].map((id) => this.records.rowOrThrow(id)));
    if (rows.length === 0 || rows.some((r) => r.patient_subject !== p.subject || r.patient_id !== rows[0]!.patient_id))
      throw new ForbiddenError('NotThePatient', 'only the patient answers a record, one patient per signature');
    return rows;
  }

  private typed(rows: RecordRow[], accept: boolean, nonce: string, deadline: string) {
    return relationshipsTypedData(this.contracts.relationshipsDomain, 'RespondToRecords', {
      patientId: chainIdOf(rows[0]!.patient_id),
      recordIds: rows.map((r) => chainIdOf(r.id)),
      accept,
      nonce,
      deadline,
    });
  }
}

const pick = (c: RespondToRecords) => ({
  accept: c.accept,
  nonce: c.nonce,
  deadline: c.deadline,
  signature: c.signature,
});
