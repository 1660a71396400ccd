import { CONSENT_TYPES, consentDomain, RELATIONSHIPS_TYPES, relationshipsDomain, type DomainInput } from '@uhr/contracts';
import { ForbiddenError } from '@uhr/platform';
import { getAddress, verifyTypedData, type TypedDataField } from 'ethers';
import type { IdentityDirectory, KnownIdentity } from '@uhr/platform';

/** What a client signs with `signer.signTypedData(domain, types, message)`; numbers travel as decimal strings. */
export interface TypedDataRequest {
  domain: { name?: string | null; version?: string | null; chainId: string; verifyingContract?: string | null };
  primaryType: string;
  types: Record<string, TypedDataField[]>;
  message: Record<string, unknown>;
}

export function consentTypedData(d: DomainInput, primaryType: keyof typeof CONSENT_TYPES, message: Record<string, unknown>): TypedDataRequest {
  const domain = consentDomain(d);
  return {
    domain: { ...domain, chainId: String(domain.chainId) },
    primaryType,
    types: { [primaryType]: [...CONSENT_TYPES[primaryType]] },
    message,
  };
}

export function relationshipsTypedData(d: DomainInput, primaryType: keyof typeof RELATIONSHIPS_TYPES, message: Record<string, unknown>): TypedDataRequest {
  const domain = relationshipsDomain(d);
  return { domain: { ...domain, chainId: String(domain.chainId) }, primaryType, types: { [primaryType]: [...RELATIONSHIPS_TYPES[primaryType]] }, message };
}

/**
 * The signature must come from the expected identity's bound key AND that identity must be the caller's login:
 * a valid signature relayed with somebody else's token is refused, as is the caller's token with a foreign key.
 */
export async function assertSignedBy(
  directory: IdentityDirectory,
  expectedIdentityId: string,
  subject: string,
  typed: TypedDataRequest,
  signature: string,
): Promise<KnownIdentity> {
  const identity = await directory.byId(expectedIdentityId);
  if (!identity || identity.status !== 'active') throw new ForbiddenError('IdentityNotActive', 'the signing identity is not active');
  if (identity.subject !== subject) throw new ForbiddenError('NotYourIdentity', 'the signing identity is not bound to your login');
  let recovered: string;
  try {
    recovered = verifyTypedData(typed.domain, typed.types, typed.message, signature);
  } catch {
    throw new ForbiddenError('InvalidSignature', 'the signature is malformed');
  }
  if (getAddress(recovered) !== getAddress(identity.address)) {
    throw new ForbiddenError('InvalidSignature', 'the signature was not made by the identity’s registered key');
  }
  return identity;
}
