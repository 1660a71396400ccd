import { Inject, Injectable } from '@nestjs/common';
import { consentAt, relationshipsAt, type DomainInput } from '@uhr/contracts';
import { ChainWriter, contractAddress, DEPLOYMENT, type Deployment } from '@uhr/platform';
import type { Contract } from 'ethers';

/** The deployed contracts, bound to the service's chain connection (reads only: writes go through ChainWriter). */
@Injectable()
export class Contracts {
  readonly consent: Contract;
  readonly relationships: Contract;
  readonly consentDomain: DomainInput;
  readonly relationshipsDomain: DomainInput;

  constructor(
    @Inject(DEPLOYMENT) deployment: Deployment,
    readonly writer: ChainWriter,
  ) {
    this.consent = consentAt(contractAddress(deployment, 'Consent'), writer.provider);
    this.relationships = relationshipsAt(contractAddress(deployment, 'Relationships'), writer.provider);
    this.consentDomain = { chainId: deployment.chainId, verifyingContract: this.consent.target as string };
    this.relationshipsDomain = { chainId: deployment.chainId, verifyingContract: this.relationships.target as string };
  }
}
