import { ForbiddenError } from '@uhr/platform';
import { getAddress, verifyTypedData } from 'ethers';
import type { IdentityDirectory, KnownIdentity } from '@uhr/platform';
import type { TypedDataRequest } from './typed-data.js';

/**
 * The signature must come from `expected`'s bound address AND that identity must be the caller's login: a
 * valid signature relayed by somebody else's token is refused, as is the caller's token with a foreign key.
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
