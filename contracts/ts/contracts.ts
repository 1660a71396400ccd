import { Contract, type ContractRunner } from 'ethers';
import type { RecordLeaf, ResponseLeaf } from './leaves.js';
import { AnchorsAbi, ConsentAbi, OrganCustodyAbi, RegistrarAbi, RelationshipsAbi } from '../generated/abis.js';

/** Role ids, identical to the contracts' `keccak256("<NAME>_ROLE")` constants. */
export { ROLES } from './roles.js';

/** Mirrors `IRegistrar.IdentityKind`. */
export enum IdentityKind {
  None = 0,
  Patient = 1,
  Provider = 2,
  ThirdParty = 3,
}
/** Mirrors `IRegistrar.IdentityStatus`. */
export enum IdentityStatus {
  None = 0,
  Active = 1,
  Retired = 2,
}
/** Mirrors `IRelationships.RelationshipStatus`. */
export enum RelationshipStatus {
  None = 0,
  Active = 1,
  Ended = 2,
}
/** Mirrors `IConsent.Verdict`. */
export enum Verdict {
  Permitted = 0,
  GrantNotFound = 1,
  Revoked = 2,
  NotYetValid = 3,
  Expired = 4,
  Exhausted = 5,
  NotGrantee = 6,
  RecordNotOfPatient = 7,
  OutOfScope = 8,
}

export const registrarAt = (address: string, runner?: ContractRunner | null): Contract =>
  new Contract(address, RegistrarAbi, runner);
export const relationshipsAt = (address: string, runner?: ContractRunner | null): Contract =>
  new Contract(address, RelationshipsAbi, runner);
export const consentAt = (address: string, runner?: ContractRunner | null): Contract =>
  new Contract(address, ConsentAbi, runner);
export const anchorsAt = (address: string, runner?: ContractRunner | null): Contract =>
  new Contract(address, AnchorsAbi, runner);
export const organCustodyAt = (address: string, runner?: ContractRunner | null): Contract =>
  new Contract(address, OrganCustodyAbi, runner);

/** Mirrors `IOrganCustody.Stage`: procurement → labelling → courier → check-in → verification → transplant. */
export enum CustodyStage {
  None = 0,
  Procured = 1,
  Labelled = 2,
  InTransit = 3,
  CheckedIn = 4,
  Verified = 5,
  Transplanted = 6,
}

/** Mirrors `IRelationships.RelationshipKey`: a pair `anchorBatch` opens if it never existed. */
export interface RelationshipKey {
  patientId: string;
  providerId: string;
}

/** The tuple `Relationships.anchorBatch` expects for each opened pair. */
export const relationshipKeyTuple = (k: RelationshipKey): [string, string] => [k.patientId, k.providerId];

/** The tuple `Relationships.verifyRecord` / `recordLeaf` expect, in struct order. */
export const recordLeafTuple = (l: RecordLeaf): string[] => [
  l.providerId,
  l.patientId,
  l.recordId,
  l.category,
  l.contentHash,
  l.pointerHash,
  l.authHash,
];

/** The tuple `Relationships.verifyResponse` / `responseLeaf` expect, in struct order. */
export const responseLeafTuple = (l: ResponseLeaf): [string, string, boolean, string] => [
  l.patientId,
  l.recordId,
  l.accept,
  l.authHash,
];
