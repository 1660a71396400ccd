import { Inject, Injectable } from '@nestjs/common';
import { ChainWriter, DEPLOYMENT, type Deployment } from '@uhr/platform';
import { IdentityKind, ORGAN_CUSTODY_TYPES, OrganCustodyAbi, organCustodyDomain, registrarAt } from '@uhr/contracts';
import { Interface, verifyTypedData, type Contract } from 'ethers';
import type { EntityManager } from 'typeorm';

export type CustodyJob =
  | { op: 'registerOrgan'; eventId: string; args: unknown[] }
  | { op: 'handOff'; eventId: string; args: unknown[] }
  | { op: 'reconcile'; eventId: string; args: unknown[] };

const JOB_KIND = 'organ-registry.custody';
/** Above every custody operation's cost (gas snapshot: registerOrgan 101k, handOff 110k). */
const CUSTODY_GAS = 400_000n;

/**
 * The registry's door to OrganCustody and the Registrar: who an identity's bound key is, whether a signature
 * came from it, and the chain-writer job that relays each custody fact (one transaction each). Absent from a
 * deployment made before OrganCustody existed: then custody answers 503 and the rest of the registry runs.
 */
@Injectable()
export class CustodyChain {
  readonly address: string | undefined;
  private readonly iface = new Interface(OrganCustodyAbi);
  private readonly registrar: Contract;
  private readonly chainId: number;

  constructor(
    private readonly writer: ChainWriter,
    @Inject(DEPLOYMENT) deployment: Deployment,
  ) {
    this.address = deployment.contracts.OrganCustody;
    this.chainId = deployment.chainId;
    this.registrar = registrarAt(deployment.contracts.Registrar!, writer.provider);
    writer.decodeErrorsWith(OrganCustodyAbi).register<CustodyJob>(JOB_KIND, {
      // A fixed gas limit: the writer then skips eth_estimateGas, which would run a hand-off against a state
      // where the fact before it (same signer, lower nonce) is not mined yet and call it a revert.
      build: (r) => ({ to: this.address!, data: this.iface.encodeFunctionData(r.op, r.args), gasLimit: CUSTODY_GAS }),
      onConfirmed: (m, job) => settle(m, job.request.eventId, 'confirmed', job.txHash ?? null, null),
      onRejected: (m, job, reason) => settle(m, job.request.eventId, 'rejected', null, reason),
    });
  }

  get domain() {
    return organCustodyDomain({ chainId: this.chainId, verifyingContract: this.address ?? '0x' + '00'.repeat(20) });
  }

  /** The account the Registrar binds to the identity now, and its kind (none: zero address). */
  async accountOf(identityId: string): Promise<{ account: string; kind: IdentityKind }> {
    const [account, kind] = (await this.registrar.getFunction('activeAccountOf')(identityId)) as [string, bigint];
    return { account, kind: Number(kind) as IdentityKind };
  }

  /** The address that signed this typed message (or undefined for a malformed signature). */
  signerOf(
    type: 'HandOff' | 'Reconciliation',
    message: Record<string, unknown>,
    signature: string,
  ): string | undefined {
    try {
      return verifyTypedData(this.domain, { [type]: [...ORGAN_CUSTODY_TYPES[type]] }, message, signature);
    } catch {
      return undefined;
    }
  }

  kind(): string {
    return JOB_KIND;
  }
}

async function settle(m: EntityManager, eventId: string, status: string, txHash: string | null, reason: string | null) {
  await m.query(`update custody_events set status = $2, tx_hash = $3, reason = $4 where id = $1`, [
    eventId,
    status,
    txHash,
    reason,
  ]);
}
