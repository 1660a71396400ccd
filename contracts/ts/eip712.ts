import {
  type Signer,
  type TypedDataDomain,
  type TypedDataField,
  TypedDataEncoder,
  randomBytes,
  toBigInt,
} from 'ethers';

/** The EIP-712 domain of a UHR contract: name, version "1", chain id, contract address. */
export interface DomainInput {
  chainId: bigint | number;
  verifyingContract: string;
}
export const RELATIONSHIPS_DOMAIN_NAME = 'UHR Relationships';
export const CONSENT_DOMAIN_NAME = 'UHR Consent';
export const ORGAN_CUSTODY_DOMAIN_NAME = 'UHR OrganCustody';

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

export const organCustodyDomain = (d: DomainInput): TypedDataDomain => ({
  name: ORGAN_CUSTODY_DOMAIN_NAME,
  version: '1',
  chainId: d.chainId,
  verifyingContract: d.verifyingContract,
});

const b32 = (name: string): TypedDataField => ({ name, type: 'bytes32' });
const u256 = (name: string): TypedDataField => ({ name, type: 'uint256' });

/**
 * EIP-712 types of the Relationships domain. `AddRecord`, `AddRecords` and `RespondToRecords` are verified off-chain by the
 * records service (their hashes go into the batch leaves as `authHash`); `EndRelationship` is verified on-chain.
 */
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
  // One signature over a bulk batch: the i-th record is (recordIds[i], patientIds[i], contentHashes[i],
  // pointerHashes[i]); each record's leaf carries the hash of this one signature.
  AddRecords: [
    b32('providerId'),
    { name: 'recordIds', type: 'bytes32[]' },
    { name: 'patientIds', type: 'bytes32[]' },
    { name: 'contentHashes', type: 'bytes32[]' },
    { name: 'pointerHashes', type: 'bytes32[]' },
    u256('nonce'),
    u256('deadline'),
  ],
  RespondToRecords: [
    b32('patientId'),
    { name: 'recordIds', type: 'bytes32[]' },
    { name: 'accept', type: 'bool' },
    u256('nonce'),
    u256('deadline'),
  ],
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
/** One patient signature answering several records at once (all accepted or all rejected). */
export interface RespondToRecordsMessage extends Signed {
  patientId: string;
  recordIds: string[];
  accept: boolean;
}
export interface EndRelationshipMessage extends Signed {
  patientId: string;
  providerId: string;
}
/** The request struct passed to `Consent.grantBySig`, field for field the signed EIP-712 `Grant` struct. */
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
  /** An unordered nonce: any value the patient has not used in Consent (see `randomNonce`). */
  nonce: Num;
  deadline: Num;
}
export type GrantMessage = GrantRequest;
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
export const signRespondToRecords = (signer: Signer, d: DomainInput, m: RespondToRecordsMessage): Promise<string> =>
  sign(signer, relationshipsDomain(d), 'RespondToRecords', RELATIONSHIPS_TYPES, m);
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
  r.nonce,
  r.deadline,
];

/**
 * A fresh unordered nonce: 256 random bits. The contracts keep a bitmap per identity (Permit2's layout), so any
 * value can be used once, in any order; random values never collide between concurrent signatures of one key.
 */
export const randomNonce = (): bigint => toBigInt(randomBytes(32));

/** The EIP-712 digest of `message` as `primaryType` (only that type's fields), the hash the signer signs. */
export function typedDataDigest(
  domain: TypedDataDomain,
  primaryType: string,
  fields: readonly TypedDataField[],
  message: Record<string, unknown>,
): string {
  return TypedDataEncoder.hash(domain, { [primaryType]: [...fields] }, message);
}

/** The digest of a Relationships-domain message, e.g. an `AddRecord` or `RespondToRecords` verified off-chain. */
export const relationshipsDigest = (
  d: DomainInput,
  primaryType: keyof typeof RELATIONSHIPS_TYPES,
  message: Record<string, unknown>,
): string => typedDataDigest(relationshipsDomain(d), primaryType, RELATIONSHIPS_TYPES[primaryType], message);

/** The digest of a Consent-domain message. */
export const consentDigest = (
  d: DomainInput,
  primaryType: keyof typeof CONSENT_TYPES,
  message: Record<string, unknown>,
): string => typedDataDigest(consentDomain(d), primaryType, CONSENT_TYPES[primaryType], message);

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

/** EIP-712 types of the OrganCustody domain: a hand-off (both parties sign it) and a reconciliation (two clinicians). */
export const ORGAN_CUSTODY_TYPES = {
  HandOff: [
    b32('organId'),
    { name: 'seq', type: 'uint32' },
    { name: 'stage', type: 'uint8' },
    b32('fromId'),
    b32('toId'),
    b32('detailsHash'),
    { name: 'discrepancy', type: 'bool' },
    u256('nonce'),
    u256('deadline'),
  ],
  Reconciliation: [
    b32('organId'),
    b32('clinicianA'),
    b32('clinicianB'),
    b32('resolutionHash'),
    u256('nonce'),
    u256('deadline'),
  ],
} as const satisfies Record<string, TypedDataField[]>;

export interface HandOffMessage {
  organId: string;
  seq: number;
  stage: number;
  fromId: string;
  toId: string;
  detailsHash: string;
  discrepancy: boolean;
  nonce: bigint;
  deadline: bigint;
}

/** The tuple `OrganCustody.handOff` expects, in struct order. */
export const handOffTuple = (h: HandOffMessage) =>
  [h.organId, h.seq, h.stage, h.fromId, h.toId, h.detailsHash, h.discrepancy, h.nonce, h.deadline] as const;

export const signHandOff = (signer: Signer, domain: DomainInput, h: HandOffMessage): Promise<string> =>
  signer.signTypedData(organCustodyDomain(domain), { HandOff: [...ORGAN_CUSTODY_TYPES.HandOff] }, h);
