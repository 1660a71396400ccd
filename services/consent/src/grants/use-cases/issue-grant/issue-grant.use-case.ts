import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import {
  ForbiddenError,
  UnprocessableError,
  type EventContext,
  type Principal,
  chainIdOf,
  IdentityDirectory,
  type KnownIdentity,
  assertSignedBy,
} from '@uhr/platform';
import { Contracts } from '../../../chain/contracts.js';
import { consentTypedData, randomNonce, type TypedDataRequest } from '@uhr/contracts';
import { ConsentChainAdapter } from '../../chain/consent-chain.adapter.js';
import { categoryCode, purposeCode } from '@uhr/contracts';
import { AccessRequestRepository } from '../../../access-requests/access-request.repository.js';
import { GrantRepository, toView } from '../../grant.repository.js';
import { refusalsAsHttp } from '../rule-violation.js';

export interface GrantTerms {
  patientId: string;
  granteeId: string;
  recordIds: string[];
  categories: string[];
  purpose: string;
  validFrom: number;
  validUntil: number;
  maxUses: number;
}

export interface IssueGrant extends GrantTerms {
  grantId: string;
  nonce: string;
  deadline: string;
  signature: string;
  accessRequestId?: string | null;
}

const SIGNATURE_TTL_S = 3600;

/** The patient's signed Grant: checked here, relayed to Consent.grantBySig (202; `status` turns `active`). */
@Injectable()
export class IssueGrantUseCase {
  constructor(
    private readonly grants: GrantRepository,
    private readonly directory: IdentityDirectory,
    private readonly contracts: Contracts,
    private readonly chain: ConsentChainAdapter,
    private readonly accessRequests: AccessRequestRepository,
  ) {}

  /** Picks a grant id and a fresh random nonce (ADR 0008: no sequence), and returns the Grant message to sign. */
  async prepare(terms: GrantTerms, p: Principal) {
    await this.patientOf(terms.patientId, p);
    const grantee = await this.granteeOf(terms.granteeId);
    const grantId = randomUUID();
    const nonce = randomNonce();
    const deadline = String(Math.floor(Date.now() / 1000) + SIGNATURE_TTL_S);
    return {
      grantId,
      nonce: nonce.toString(),
      deadline,
      toSign: this.typed(grantId, terms, grantee, nonce.toString(), deadline),
    };
  }

  async execute(cmd: IssueGrant, p: Principal, ctx: EventContext) {
    const patient = await this.patientOf(cmd.patientId, p);
    const grantee = await this.granteeOf(cmd.granteeId);
    const typed = this.typed(cmd.grantId, cmd, grantee, cmd.nonce, cmd.deadline);
    await assertSignedBy(this.directory, patient.id, p.subject, typed, cmd.signature);
    const m = typed.message;
    if (cmd.accessRequestId) {
      const request = await this.accessRequests.rowOrThrow(cmd.accessRequestId);
      if (request.requester_id !== grantee.id || request.patient_id !== patient.id) {
        throw new UnprocessableError(
          'GrantDoesNotAnswerRequest',
          'the grant must be to the requester, from the patient asked',
        );
      }
    }
    await refusalsAsHttp(() =>
      this.grants.execute(
        cmd.grantId,
        {
          type: 'RequestGrant',
          by: p.subject,
          grantId: cmd.grantId,
          patientId: patient.id,
          patientSubject: patient.subject!,
          granteeId: grantee.id,
          granteeSubject: grantee.subject!,
          grantee: grantee.address,
          scope: { recordIds: cmd.recordIds, categories: cmd.categories },
          purpose: cmd.purpose,
          validFrom: cmd.validFrom,
          validUntil: cmd.validUntil,
          maxUses: cmd.maxUses,
          accessRequestId: cmd.accessRequestId ?? null,
          nonce: cmd.nonce,
          deadline: cmd.deadline,
          signature: cmd.signature,
        },
        ctx,
        async (tx, envs) => {
          if (cmd.accessRequestId) {
            await this.accessRequests.answer(
              cmd.accessRequestId,
              p.subject,
              { approve: true, grantId: cmd.grantId },
              ctx,
              tx,
            );
          }
          await this.chain.enqueueGrant(tx, envs[0]!.id, {
            grantId: cmd.grantId,
            request: {
              grantId: m.grantId as string,
              patientId: m.patientId as string,
              grantee: m.grantee as string,
              recordIds: m.recordIds as string[],
              categories: m.categories as string[],
              purpose: m.purpose as string,
              validFrom: String(cmd.validFrom),
              validUntil: String(cmd.validUntil),
              maxUses: cmd.maxUses,
              nonce: cmd.nonce,
              deadline: cmd.deadline,
            },
            signature: cmd.signature,
            correlationId: ctx.correlationId,
          });
        },
      ),
    );
    return toView(await this.grants.rowOrThrow(cmd.grantId));
  }

  private typed(
    grantId: string,
    t: GrantTerms,
    grantee: KnownIdentity,
    nonce: string,
    deadline: string,
  ): TypedDataRequest {
    return consentTypedData(this.contracts.consentDomain, 'Grant', {
      grantId: chainIdOf(grantId),
      patientId: chainIdOf(t.patientId),
      grantee: grantee.address,
      recordIds: t.recordIds.map(chainIdOf),
      categories: t.categories.map(categoryCode),
      purpose: purposeCode(t.purpose),
      validFrom: String(t.validFrom),
      validUntil: String(t.validUntil),
      maxUses: String(t.maxUses),
      nonce,
      deadline,
    });
  }

  private async patientOf(patientId: string, p: Principal): Promise<KnownIdentity> {
    const patient = await this.directory.byId(patientId);
    if (!patient || patient.kind !== 'patient' || patient.status !== 'active' || patient.subject !== p.subject) {
      throw new ForbiddenError('NotYourIdentity', 'you may grant access only to your own records');
    }
    return patient;
  }

  private async granteeOf(granteeId: string): Promise<KnownIdentity> {
    const grantee = await this.directory.byId(granteeId);
    if (!grantee || grantee.status !== 'active' || !grantee.subject) {
      throw new UnprocessableError('UnknownGrantee', `no active identity ${granteeId} bound to a login`);
    }
    return grantee;
  }
}
