import { getAddress, type TypedDataDomain, type TypedDataField } from 'ethers';
import { ForbiddenError } from '../http/errors.js';
import type { IdentityDirectory, KnownIdentity } from './identity-directory.js';
import { recoverTypedDataSigner } from './typed-data-signer.js';

/** An EIP-712 payload as clients sign it (JSON-safe: the chain id may be a decimal string). */
export interface SignedTypedData {
  domain: {
    name?: string | null;
    version?: string | null;
    chainId: string | number | bigint;
    verifyingContract?: string | null;
  };
  types: Record<string, TypedDataField[]>;
  message: Record<string, unknown>;
}

/**
 * The patient signs (rule 4): a signature counts only if it comes from the expected identity's bound key AND
 * that identity is the caller's login — a valid signature relayed with somebody else's token is refused, and so
 * is the caller's token with a foreign key.
 */
export async function assertSignedBy(
  directory: IdentityDirectory,
  expectedIdentityId: string,
  subject: string,
  typed: SignedTypedData,
  signature: string,
): Promise<KnownIdentity> {
  const identity = await directory.byId(expectedIdentityId);
  if (!identity || identity.status !== 'active')
    throw new ForbiddenError('IdentityNotActive', 'the signing identity is not active');
  if (identity.subject !== subject)
    throw new ForbiddenError('NotYourIdentity', 'the signing identity is not bound to your login');
  let recovered: string;
  try {
    recovered = recoverTypedDataSigner(typed.domain as TypedDataDomain, typed.types, typed.message, signature);
  } catch {
    throw new ForbiddenError('InvalidSignature', 'the signature is malformed');
  }
  if (getAddress(recovered) !== getAddress(identity.address)) {
    throw new ForbiddenError('InvalidSignature', 'the signature was not made by the identity’s registered key');
  }
  return identity;
}
