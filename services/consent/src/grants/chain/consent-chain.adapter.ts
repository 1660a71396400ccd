import { Injectable } from '@nestjs/common';
import { ConsentAbi, grantRequestTuple, type GrantRequest } from '@uhr/contracts';
import { ChainWriter, enqueueChainJob, type ChainJob } from '@uhr/platform';
import { Interface } from 'ethers';
import type { EntityManager } from 'typeorm';
import { Contracts } from '../../chain/contracts.js';
import { GrantRepository } from '../grant.repository.js';

export const GRANT_JOB = 'consent.grant';
export const REVOKE_JOB = 'consent.revoke';

export interface GrantJob {
  grantId: string;
  request: Omit<GrantRequest, 'validFrom' | 'validUntil' | 'maxUses' | 'nonce' | 'deadline'> & {
    validFrom: string;
    validUntil: string;
    maxUses: number;
    nonce: string;
    deadline: string;
  };
  signature: string;
  correlationId: string;
}

export interface RevokeJob {
  grantId: string;
  grantChainId: string;
  nonce: string;
  deadline: string;
  signature: string;
  correlationId: string;
}

/** Relays the patient's signed grants and revocations to the Consent contract (the service pays gas). */
@Injectable()
export class ConsentChainAdapter {
  private readonly iface = new Interface(ConsentAbi);

  constructor(
    writer: ChainWriter,
    private readonly contracts: Contracts,
    private readonly grants: GrantRepository,
  ) {
    const to = contracts.consent.target as string;
    writer.decodeErrorsWith(ConsentAbi).register<GrantJob>(GRANT_JOB, {
      build: (r) => ({
        to,
        data: this.iface.encodeFunctionData('grantBySig', [
          grantRequestTuple({
            ...r.request,
            validFrom: BigInt(r.request.validFrom),
            validUntil: BigInt(r.request.validUntil),
            nonce: BigInt(r.request.nonce),
            deadline: BigInt(r.request.deadline),
          }),
          r.signature,
        ]),
      }),
      alreadyApplied: async (r) => {
        const g = (await this.contracts.consent.grantOf!(r.request.grantId)) as { patientId: string };
        return g.patientId.toLowerCase() === r.request.patientId.toLowerCase();
      },
      onConfirmed: (m, job) => this.settle(m, job, { type: 'ConfirmGrant', txHash: job.txHash }),
      onRejected: (m, job, reason) => this.settle(m, job, { type: 'RejectGrant', reason }),
    });
    writer.register<RevokeJob>(REVOKE_JOB, {
      build: (r) => ({
        to,
        data: this.iface.encodeFunctionData('revokeBySig', [r.grantChainId, r.nonce, r.deadline, r.signature]),
      }),
      alreadyApplied: async (r) =>
        ((await this.contracts.consent.grantOf!(r.grantChainId)) as { revoked: boolean }).revoked,
      onConfirmed: (m, job) => this.settle(m, job, { type: 'ConfirmRevocation', txHash: job.txHash }),
      onRejected: (m, job, reason) => this.settle(m, job, { type: 'FailRevocation', reason }),
    });
  }

  enqueueGrant(m: EntityManager, key: string, job: GrantJob) {
    return enqueueChainJob(m, key, GRANT_JOB, job);
  }

  enqueueRevoke(m: EntityManager, key: string, job: RevokeJob) {
    return enqueueChainJob(m, key, REVOKE_JOB, job);
  }

  private async settle(
    m: EntityManager,
    job: ChainJob<{ grantId: string; correlationId: string }>,
    command: Parameters<GrantRepository['executeIn']>[2],
  ) {
    await this.grants.executeIn(m, job.request.grantId, command, {
      actor: 'consent-chain',
      correlationId: job.request.correlationId,
      causationId: job.jobKey,
      occurredAt: new Date(),
    });
  }
}
