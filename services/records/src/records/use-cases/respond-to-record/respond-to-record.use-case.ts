import { Injectable } from '@nestjs/common';
import {
  ForbiddenError,
  type EventContext,
  type Principal,
  chainIdOf,
  IdentityDirectory,
  assertSignedBy,
} from '@uhr/platform';
import { Contracts } from '../../../chain/contracts.js';
import { RecordChainAdapter } from '../../chain/record-chain.adapter.js';
import { RecordRepository, toView, type RecordRow } from '../../record.repository.js';
import { refusalsAsHttp } from '../rule-violation.js';
import { relationshipsTypedData, type TypedDataRequest } from '@uhr/contracts';

export interface RespondToRecord {
  accept: boolean;
  nonce: string;
  deadline: string;
  signature: string;
}

const SIGNATURE_TTL_S = 3600;

/** The patient accepts or rejects a record with a RespondToRecord signature, relayed to Relationships. */
@Injectable()
export class RespondToRecordUseCase {
  constructor(
    private readonly records: RecordRepository,
    private readonly directory: IdentityDirectory,
    private readonly contracts: Contracts,
    private readonly chain: RecordChainAdapter,
  ) {}

  /** The message to sign (only the record's patient may ask: it reveals nothing but ids, yet BOLA is BOLA). */
  async typedData(recordId: string, accept: boolean, p: Principal): Promise<TypedDataRequest> {
    const row = await this.records.rowOrThrow(recordId);
    if (row.patient_subject !== p.subject)
      throw new ForbiddenError('NotThePatient', 'only the patient answers a record');
    const nonce = await this.contracts.relationshipsNonce(chainIdOf(row.patient_id));
    return this.typed(row, accept, nonce.toString(), String(Math.floor(Date.now() / 1000) + SIGNATURE_TTL_S));
  }

  async execute(recordId: string, cmd: RespondToRecord, p: Principal, ctx: EventContext) {
    const row = await this.records.rowOrThrow(recordId);
    await assertSignedBy(
      this.directory,
      row.patient_id,
      p.subject,
      this.typed(row, cmd.accept, cmd.nonce, cmd.deadline),
      cmd.signature,
    );
    await refusalsAsHttp(() =>
      this.records.execute(recordId, { type: 'Respond', by: p.subject, ...cmd }, ctx, (m, envs) =>
        this.chain.enqueueRespond(m, envs[0]!.id, {
          recordId,
          recordChainId: chainIdOf(row.id),
          accept: cmd.accept,
          deadline: cmd.deadline,
          signature: cmd.signature,
          correlationId: ctx.correlationId,
        }),
      ),
    );
    return toView(await this.records.rowOrThrow(recordId));
  }

  private typed(row: RecordRow, accept: boolean, nonce: string, deadline: string) {
    return relationshipsTypedData(this.contracts.relationshipsDomain, 'RespondToRecord', {
      recordId: chainIdOf(row.id),
      accept,
      nonce,
      deadline,
    });
  }
}
