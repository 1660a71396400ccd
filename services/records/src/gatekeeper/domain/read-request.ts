import type { DomainInput } from '@uhr/contracts';
import type { Signer, TypedDataDomain, TypedDataField } from 'ethers';

/**
 * The paper's "signed query": a reader asks the gatekeeper for one record with an EIP-712 message signed by the
 * key the Registrar binds to its identity. Bound to this chain and the Relationships contract; a random nonce
 * makes it single-use and the expiry keeps a leaked request short-lived.
 */
export const GATEKEEPER_DOMAIN_NAME = 'UHR Records Gatekeeper';

export const READ_REQUEST_TYPES = {
  ReadRecord: [
    { name: 'recordId', type: 'bytes32' },
    { name: 'purpose', type: 'string' },
    { name: 'grantId', type: 'bytes32' },
    { name: 'nonce', type: 'uint256' },
    { name: 'expiry', type: 'uint64' },
  ],
} as const satisfies Record<string, TypedDataField[]>;

export interface ReadRequestMessage {
  /** bytes32 form of the record uuid (chainIdOf). */
  recordId: string;
  purpose: string;
  /** The grant the reader relies on, or zero to let the gatekeeper find one. */
  grantId: string;
  nonce: string;
  /** Unix seconds. */
  expiry: number;
}

export const gatekeeperDomain = (d: DomainInput): TypedDataDomain => ({
  name: GATEKEEPER_DOMAIN_NAME,
  version: '1',
  chainId: d.chainId,
  verifyingContract: d.verifyingContract,
});

export const ZERO_BYTES32 = '0x' + '00'.repeat(32);

/** Client helper: sign a read request (the demo and the tests use it; any EIP-712 wallet can do the same). */
export const signReadRequest = (signer: Signer, d: DomainInput, m: ReadRequestMessage): Promise<string> =>
  signer.signTypedData(gatekeeperDomain(d), { ReadRecord: [...READ_REQUEST_TYPES.ReadRecord] }, m);
