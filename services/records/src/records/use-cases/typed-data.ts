import { RELATIONSHIPS_TYPES, relationshipsDomain, type DomainInput } from '@uhr/contracts';
import type { TypedDataField } from 'ethers';

/** What a client signs with `signer.signTypedData(domain, types, message)`; numbers travel as decimal strings. */
export interface TypedDataRequest {
  domain: ReturnType<typeof relationshipsDomain>;
  primaryType: string;
  types: Record<string, TypedDataField[]>;
  message: Record<string, string | boolean>;
}

export function relationshipsTypedData(
  d: DomainInput,
  primaryType: keyof typeof RELATIONSHIPS_TYPES,
  message: Record<string, string | boolean>,
): TypedDataRequest {
  const domain = relationshipsDomain(d);
  return {
    domain: { ...domain, chainId: String(domain.chainId) },
    primaryType,
    types: { [primaryType]: [...RELATIONSHIPS_TYPES[primaryType]] },
    message,
  };
}
