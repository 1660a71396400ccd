import { Injectable } from '@nestjs/common';
import { type EventContext, type Principal, chainIdOf, IdentityDirectory, assertSignedBy } from '@uhr/platform';
import { Contracts } from '../../../chain/contracts.js';
import { RecordChainAdapter } from '../../chain/record-chain.adapter.js';
import { RecordRepository, toView } from '../../record.repository.js';
import { refusalsAsHttp } from '../rule-violation.js';
import { relationshipsTypedData } from '@uhr/contracts';

export interface SignRecordAnchor {
  nonce: string;
  deadline: string;
  signature: string;
}

/** The author's AddRecord signature: checked here, relayed to Relationships by the chain writer (202). */
@Injectable()
export class SignRecordAnchorUseCase {
  constructor(
    private readonly records: RecordRepository,
    private readonly directory: IdentityDirectory,
    private readonly contracts: Contracts,
    private readonly chain: RecordChainAdapter,
  ) {}

  async execute(recordId: string, cmd: SignRecordAnchor, p: Principal, ctx: EventContext) {
    const row = await this.records.rowOrThrow(recordId);
    const typed = relationshipsTypedData(this.contracts.relationshipsDomain, 'AddRecord', {
      providerId: chainIdOf(row.provider_id),
      patientId: chainIdOf(row.patient_id),
      recordId: chainIdOf(row.id),
      contentHash: row.content_hash,
      pointerHash: row.pointer_hash,
      nonce: cmd.nonce,
      deadline: cmd.deadline,
    });
    const signer = await assertSignedBy(this.directory, row.provider_id, p.subject, typed, cmd.signature);
    await refusalsAsHttp(() =>
      this.records.execute(
        recordId,
        { type: 'RequestAnchor', by: p.subject, signer: signer.address, ...cmd },
        ctx,
        (m, envs) =>
          this.chain.enqueueAdd(m, envs[0]!.id, {
            recordId,
            recordChainId: chainIdOf(row.id),
            providerId: chainIdOf(row.provider_id),
            patientId: chainIdOf(row.patient_id),
            contentHash: row.content_hash,
            pointerHash: row.pointer_hash,
            deadline: cmd.deadline,
            signature: cmd.signature,
            correlationId: ctx.correlationId,
          }),
      ),
    );
    return toView(await this.records.rowOrThrow(recordId));
  }
}
