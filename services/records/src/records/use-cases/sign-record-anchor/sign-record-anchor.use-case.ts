import { Injectable } from '@nestjs/common';
import {
  ConflictError,
  type EventContext,
  type Principal,
  chainIdOf,
  IdentityDirectory,
  assertSignedBy,
} from '@uhr/platform';
import { relationshipsTypedData } from '@uhr/contracts';
import { Contracts } from '../../../chain/contracts.js';
import { RecordRepository, toView, type RecordRow } from '../../record.repository.js';
import { refusalsAsHttp } from '../rule-violation.js';

export interface SignRecordAnchor {
  nonce: string;
  deadline: string;
  signature: string;
}

const RELATIONSHIP_ENDED = 2;

/**
 * The author's AddRecord signature: checked here against the key the Registrar binds to the provider (the
 * contract no longer sees it: ADR 0008), kept on the record, and its leaf anchored with the next Merkle batch
 * (202; status `anchoring` → `pending` once the batch is mined). Signatures carry no sequence: any number of
 * them, made at once by one key, are all accepted.
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
    if (Number(cmd.deadline) < Math.floor(ctx.occurredAt.getTime() / 1000)) {
      throw new ConflictError('SignatureExpired', 'the AddRecord signature has passed its deadline: sign again');
    }
    const typed = relationshipsTypedData(this.contracts.relationshipsDomain, 'AddRecord', {
      ...addRecordFields(row),
      nonce: cmd.nonce,
      deadline: cmd.deadline,
    });
    const [signer, relationship] = await Promise.all([
      assertSignedBy(this.directory, row.provider_id, p.subject, typed, cmd.signature),
      this.contracts.relationshipStatus(chainIdOf(row.patient_id), chainIdOf(row.provider_id)),
    ]);
    if (relationship === RELATIONSHIP_ENDED) {
      throw new ConflictError('RelationshipEnded', 'the patient ended this relationship: no record can be added');
    }
    const [env] = await refusalsAsHttp(() =>
      this.records.execute(recordId, { type: 'RequestAnchor', by: p.subject, signer: signer.address, ...cmd }, ctx),
    );
    return toView({ ...row, status: 'anchoring', version: env!.sequence, updated_at: ctx.occurredAt });
  }
}

/** The AddRecord fields a row fixes (the author adds nonce and deadline). */
export const addRecordFields = (row: RecordRow) => ({
  providerId: chainIdOf(row.provider_id),
  patientId: chainIdOf(row.patient_id),
  recordId: chainIdOf(row.id),
  contentHash: row.content_hash,
  pointerHash: row.pointer_hash,
});
