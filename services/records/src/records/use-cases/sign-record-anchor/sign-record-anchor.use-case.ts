import { Injectable } from '@nestjs/common';
import {
  ForbiddenError,
  type EventContext,
  type Principal,
  chainIdOf,
  IdentityDirectory,
  assertSignedBy,
} from '@uhr/platform';
import { relationshipsTypedData } from '@uhr/contracts';
import { Contracts } from '../../../chain/contracts.js';
import { RecordRepository, toView, type RecordRow } from '../../record.repository.js';
import { assertBeforeDeadline, refusalsAsHttp } from '../rule-violation.js';

export interface SignRecordAnchor {
  nonce: string;
  deadline: string;
  signature: string;
}

/**
 * The author's AddRecord signature: checked here against the key the Registrar binds to the provider (the
 * contract no longer sees it: ADR 0008), kept on the record, and its leaf anchored with the next Merkle batch
 * (202; status `anchoring` → `pending` once the batch is mined, or `anchor-rejected` if the patient has ended
 * the relationship by then — checked when the batch is cut). Signatures carry no sequence: any number of them,
 * made at once by one key, are all accepted.
 */
@Injectable()
export class SignRecordAnchorUseCase {
  constructor(
    private readonly records: RecordRepository,
    private readonly directory: IdentityDirectory,
    private readonly contracts: Contracts,
  ) {}

  async execute(recordId: string, cmd: SignRecordAnchor, p: Principal, ctx: EventContext) {
    const row = await this.records.rowOrThrow(recordId);
    assertBeforeDeadline('AddRecord', cmd.deadline, ctx);
    const typed = relationshipsTypedData(this.contracts.relationshipsDomain, 'AddRecord', {
      ...addRecordFields(row),
      nonce: cmd.nonce,
      deadline: cmd.deadline,
    });
    const signer = await assertSignedBy(this.directory, row.provider_id, p.subject, typed, cmd.signature);
    const env = await refusalsAsHttp(() =>
      this.records.requestAnchor(
        row,
        { type: 'RequestAnchor', by: p.subject, signer: signer.address, ...pick(cmd) },
        ctx,
      ),
    );
    return toView({ ...row, status: 'anchoring', version: env.sequence, updated_at: ctx.occurredAt });
  }

  /**
   * A bulk batch's one AddRecords signature (up to 1,000 records of one author): checked once, and every record
   * in it queued for the next Merkle batch in one transaction. The records must all be the author's and awaiting
   * their signature — or none is taken.
   */
  async executeMany(cmd: SignRecordAnchor & { recordIds: string[] }, p: Principal, ctx: EventContext) {
    const rows = await this.records.rowsOrThrow(cmd.recordIds);
    const providerId = rows[0]!.provider_id;
    if (rows.some((r) => r.provider_id !== providerId))
      throw new ForbiddenError('NotTheAuthor', 'one AddRecords signature covers records of one author');
    assertBeforeDeadline('AddRecords', cmd.deadline, ctx);
    const typed = addRecordsTypedData(this.contracts.relationshipsDomain, rows, cmd.nonce, cmd.deadline);
    const signer = await assertSignedBy(this.directory, providerId, p.subject, typed, cmd.signature);
    const anchoring = await refusalsAsHttp(() =>
      this.records.requestAnchors(
        rows.map((r) => r.id),
        { type: 'RequestAnchor', by: p.subject, signer: signer.address, ...pick(cmd) },
        ctx,
      ),
    );
    return { records: anchoring.map((r) => ({ id: r.id, status: r.status })) };
  }
}

const pick = (c: SignRecordAnchor) => ({ nonce: c.nonce, deadline: c.deadline, signature: c.signature });

/** The AddRecords message of a bulk batch: the records in the order given. */
export const addRecordsTypedData = (
  domain: Contracts['relationshipsDomain'],
  rows: readonly RecordRow[],
  nonce: string,
  deadline: string,
) =>
  relationshipsTypedData(domain, 'AddRecords', {
    providerId: chainIdOf(rows[0]!.provider_id),
    recordIds: rows.map((r) => chainIdOf(r.id)),
    patientIds: rows.map((r) => chainIdOf(r.patient_id)),
    contentHashes: rows.map((r) => r.content_hash),
    pointerHashes: rows.map((r) => r.pointer_hash),
    nonce,
    deadline,
  });

/** The AddRecord fields a row fixes (the author adds nonce and deadline). */
export const addRecordFields = (row: RecordRow) => ({
  providerId: chainIdOf(row.provider_id),
  patientId: chainIdOf(row.patient_id),
  recordId: chainIdOf(row.id),
  contentHash: row.content_hash,
  pointerHash: row.pointer_hash,
});
