import type { Signer, TypedDataDomain, TypedDataField } from 'ethers';

/** The EIP-712 domain of a UHR contract: name, version "1", chain id, contract address. */
export interface DomainInput {
  chainId: bigint | number;
  verifyingContract: string;
}
export const RELATIONSHIPS_DOMAIN_NAME = 'UHR Relationships';
export const CONSENT_DOMAIN_NAME = 'UHR Consent';

export const relationshipsDomain = (d: DomainInput): TypedDataDomain => ({
  name: RELATIONSHIPS_DOMAIN_NAME,
  version: '1',
  chainId: d.chainId,
  verifyingContract: d.verifyingContract,
});
export const consentDomain = (d: DomainInput): TypedDataDomain => ({
  name: CONSENT_DOMAIN_NAME,
  version: '1',
  chainId: d.chainId,
  verifyingContract: d.verifyingContract,
});

const b32 = (name: string): TypedDataField => ({ name, type: 'bytes32' });
const u256 = (name: string): TypedDataField => ({ name, type: 'uint256' });

/** EIP-712 types verified by Relationships. */
export const RELATIONSHIPS_TYPES = {
  AddRecord: [
    b32('providerId'),
    b32('patientId'),
    b32('recordId'),
    b32('contentHash'),
    b32('pointerHash'),
    u256('nonce'),
    u256('deadline'),
  ],
  RespondToRecord: [b32('recordId'), { name: 'accept', type: 'bool' }, u256('nonce'), u256('deadline')],
  EndRelationship: [b32('patientId'), b32('providerId'), u256('nonce'), u256('deadline')],
} as const satisfies Record<string, TypedDataField[]>;

/** EIP-712 types verified by Consent. */
export const CONSENT_TYPES = {
  Grant: [
    b32('grantId'),
    b32('patientId'),
    { name: 'grantee', type: 'address' },
    { name: 'recordIds', type: 'bytes32[]' },
    { name: 'categories', type: 'bytes32[]' },
    b32('purpose'),
    { name: 'validFrom', type: 'uint64' },
    { name: 'validUntil', type: 'uint64' },
    { name: 'maxUses', type: 'uint32' },
    u256('nonce'),
    u256('deadline'),
  ],
  Revoke: [b32('grantId'), u256('nonce'), u256('deadline')],
  BreakGlass: [
    b32('providerId'),
    b32('patientId'),
    b32('reasonCode'),
    { name: 'duration', type: 'uint64' },
    u256('nonce'),
    u256('deadline'),
  ],
} as const satisfies Record<string, TypedDataField[]>;

type Num = bigint | number;
export interface Signed {
  nonce: Num;
  deadline: Num;
}
export interface AddRecordMessage extends Signed {
  providerId: string;
  patientId: string;
  recordId: string;
  contentHash: string;
  pointerHash: string;
}
export interface RespondToRecordMessage extends Signed {
  recordId: string;
  accept: boolean;
}
export interface EndRelationshipMessage extends Signed {
  patientId: string;
  providerId: string;
}
/** The request struct passed to `Consent.grantBySig` (without the nonce, which the contract supplies). */
export interface GrantRequest {
  grantId: string;
  patientId: string;
  grantee: string;
  recordIds: string[];
  categories: string[];
  purpose: string;
  validFrom: Num;
  validUntil: Num;
  maxUses: Num;
  deadline: Num;
}
export interface GrantMessage extends GrantRequest {
  nonce: Num;
}
export interface RevokeMessage extends Signed {
  grantId: string;
}
export interface BreakGlassMessage extends Signed {
  providerId: string;
  patientId: string;
  reasonCode: string;
  duration: Num;
}

const sign = (
  signer: Signer,
  domain: TypedDataDomain,
  primary: string,
  types: Record<string, readonly TypedDataField[]>,
  value: object,
) => signer.signTypedData(domain, { [primary]: [...types[primary]!] }, value as Record<string, unknown>);

export const signAddRecord = (signer: Signer, d: DomainInput, m: AddRecordMessage): Promise<string> =>
  sign(signer, relationshipsDomain(d), 'AddRecord', RELATIONSHIPS_TYPES, m);
export const signRespondToRecord = (signer: Signer, d: DomainInput, m: RespondToRecordMessage): Promise<string> =>
  sign(signer, relationshipsDomain(d), 'RespondToRecord', RELATIONSHIPS_TYPES, m);
export const signEndRelationship = (signer: Signer, d: DomainInput, m: EndRelationshipMessage): Promise<string> =>
  sign(signer, relationshipsDomain(d), 'EndRelationship', RELATIONSHIPS_TYPES, m);
export const signGrant = (signer: Signer, d: DomainInput, m: GrantMessage): Promise<string> =>
  sign(signer, consentDomain(d), 'Grant', CONSENT_TYPES, m);
export const signRevoke = (signer: Signer, d: DomainInput, m: RevokeMessage): Promise<string> =>
  sign(signer, consentDomain(d), 'Revoke', CONSENT_TYPES, m);
export const signBreakGlass = (signer: Signer, d: DomainInput, m: BreakGlassMessage): Promise<string> =>
  sign(signer, consentDomain(d), 'BreakGlass', CONSENT_TYPES, m);

/** The tuple `Consent.grantBySig` expects, in struct order. */
export const grantRequestTuple = (r: GrantRequest) => [
  r.grantId,
  r.patientId,
  r.grantee,
  r.recordIds,
  r.categories,
  r.purpose,
  r.validFrom,
  r.validUntil,
  r.maxUses,
  r.deadline,
];

/**
 * What a service hands a client to sign with `signer.signTypedData(domain, types, message)`: JSON-safe (the
 * chain id and numbers travel as decimal strings), and verified by the contract against the same types.
 */
export interface TypedDataRequest {
  domain: { name?: string | null; version?: string | null; chainId: string; verifyingContract?: string | null };
  primaryType: string;
  types: Record<string, TypedDataField[]>;
  message: Record<string, unknown>;
}

function typedDataRequest(
  domain: TypedDataDomain,
  primaryType: string,
  fields: readonly TypedDataField[],
  message: Record<string, unknown>,
): TypedDataRequest {
  return {
    domain: { ...domain, chainId: String(domain.chainId) } as TypedDataRequest['domain'],
    primaryType,
    types: { [primaryType]: [...fields] },
    message,
  };
}

export const consentTypedData = (
  d: DomainInput,
  primaryType: keyof typeof CONSENT_TYPES,
  message: Record<string, unknown>,
) => typedDataRequest(consentDomain(d), primaryType, CONSENT_TYPES[primaryType], message);

export const relationshipsTypedData = (
  d: DomainInput,
  primaryType: keyof typeof RELATIONSHIPS_TYPES,
  message: Record<string, unknown>,
) => typedDataRequest(relationshipsDomain(d), primaryType, RELATIONSHIPS_TYPES[primaryType], message);
