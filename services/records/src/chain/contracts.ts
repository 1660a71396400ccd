import { Inject, Injectable } from '@nestjs/common';
import { consentAt, relationshipsAt, anchorsAt, registrarAt, type DomainInput } from '@uhr/contracts';
import { ChainWriter, contractAddress, DEPLOYMENT, type Deployment } from '@uhr/platform';
import type { Contract } from 'ethers';

/** The deployed contracts, bound to the service's chain connection (reads only: writes go through ChainWriter). */
@Injectable()
export class Contracts {
  readonly registrar: Contract;
  readonly relationships: Contract;
  readonly consent: Contract;
  readonly anchors: Contract;
  readonly relationshipsDomain: DomainInput;
  readonly consentDomain: DomainInput;
  readonly chainId: number;

  constructor(
    @Inject(DEPLOYMENT) deployment: Deployment,
    readonly writer: ChainWriter,
  ) {
    const p = writer.provider;
    this.chainId = deployment.chainId;
    this.registrar = registrarAt(contractAddress(deployment, 'Registrar'), p);
    this.relationships = relationshipsAt(contractAddress(deployment, 'Relationships'), p);
    this.consent = consentAt(contractAddress(deployment, 'Consent'), p);
    this.anchors = anchorsAt(contractAddress(deployment, 'Anchors'), p);
    this.relationshipsDomain = { chainId: deployment.chainId, verifyingContract: this.relationships.target as string };
    this.consentDomain = { chainId: deployment.chainId, verifyingContract: this.consent.target as string };
  }

  async recordOf(recordChainId: string): Promise<OnChainRecord> {
    const [patientId, providerId, contentHash, pointerHash, status] = (await this.relationships.recordOf!(
      recordChainId,
    )) as [string, string, string, string, bigint];
    return { patientId, providerId, contentHash, pointerHash, status: Number(status) };
  }

  async relationshipStatus(patientId: string, providerId: string): Promise<number> {
    const relId = (await this.relationships.relationshipIdOf!(patientId, providerId)) as string;
    const [, , status] = (await this.relationships.relationshipOf!(relId)) as [string, string, bigint, bigint];
    return Number(status);
  }

  async relationshipsNonce(identityChainId: string): Promise<bigint> {
    return (await this.relationships.nonces!(identityChainId)) as bigint;
  }
}

export interface OnChainRecord {
  patientId: string;
  providerId: string;
  contentHash: string;
  pointerHash: string;
  /** IRelationships.RecordStatus: 0 None, 1 Pending, 2 Accepted, 3 Rejected. */
  status: number;
}
