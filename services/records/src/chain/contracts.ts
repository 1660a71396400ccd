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
  private readonly anchoredRoots = new Set<string>();

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

  /** Whether a batch root is on-chain; a root once anchored never changes, so a yes is remembered. */
  async isAnchored(root: string): Promise<boolean> {
    const key = root.toLowerCase();
    if (this.anchoredRoots.has(key)) return true;
    const yes = (await this.relationships.isAnchored!(root)) as boolean;
    if (yes) {
      if (this.anchoredRoots.size >= MAX_REMEMBERED_ROOTS) this.anchoredRoots.clear();
      this.anchoredRoots.add(key);
    }
    return yes;
  }

  async relationshipStatus(patientId: string, providerId: string): Promise<number> {
    const relId = (await this.relationships.relationshipIdOf!(patientId, providerId)) as string;
    const [, , status] = (await this.relationships.relationshipOf!(relId)) as [string, string, bigint];
    return Number(status);
  }
}

const MAX_REMEMBERED_ROOTS = 100_000;
