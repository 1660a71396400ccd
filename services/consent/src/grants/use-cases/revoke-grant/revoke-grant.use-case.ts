import { Injectable } from '@nestjs/common';
import { ForbiddenError, type EventContext, type Principal, IdentityDirectory, assertSignedBy } from '@uhr/platform';
import { Contracts } from '../../../chain/contracts.js';
import { consentTypedData, randomNonce } from '@uhr/contracts';
import { ConsentChainAdapter } from '../../chain/consent-chain.adapter.js';
import { GrantRepository, toView, type GrantRow } from '../../grant.repository.js';
import { refusalsAsHttp } from '../rule-violation.js';

export interface RevokeGrant {
  nonce: string;
  deadline: string;
  signature: string;
}

const SIGNATURE_TTL_S = 3600;

/** The patient's signed Revoke, relayed to Consent.revokeBySig: the gatekeeper refuses the grant once mined. */
@Injectable()
export class RevokeGrantUseCase {
  constructor(
    private readonly grants: GrantRepository,
    private readonly directory: IdentityDirectory,
    private readonly contracts: Contracts,
    private readonly chain: ConsentChainAdapter,
  ) {}

  async prepare(grantId: string, p: Principal) {
    const row = await this.grants.rowOrThrow(grantId);
    if (row.patient_subject !== p.subject)
      throw new ForbiddenError('NotThePatient', 'only the patient revokes a grant');
    const nonce = randomNonce();
    const deadline = String(Math.floor(Date.now() / 1000) + SIGNATURE_TTL_S);
    return { nonce: nonce.toString(), deadline, toSign: this.typed(row, nonce.toString(), deadline) };
  }

  async execute(grantId: string, cmd: RevokeGrant, p: Principal, ctx: EventContext) {
    const row = await this.grants.rowOrThrow(grantId);
    await assertSignedBy(
      this.directory,
      row.patient_id,
      p.subject,
      this.typed(row, cmd.nonce, cmd.deadline),
      cmd.signature,
    );
    await refusalsAsHttp(() =>
      this.grants.execute(grantId, { type: 'RequestRevocation', by: p.subject, ...cmd }, ctx, (m, envs) =>
        this.chain.enqueueRevoke(m, envs[0]!.id, {
          grantId,
          grantChainId: row.chain_id,
          nonce: cmd.nonce,
          deadline: cmd.deadline,
          signature: cmd.signature,
          correlationId: ctx.correlationId,
        }),
      ),
    );
    return toView(await this.grants.rowOrThrow(grantId));
  }

  private typed(row: GrantRow, nonce: string, deadline: string) {
    return consentTypedData(this.contracts.consentDomain, 'Revoke', { grantId: row.chain_id, nonce, deadline });
  }
}
