/**
 * The gatekeeper's rules, pure: every fact (clock, chain state, signature recovery) is passed in, so each rule
 * has a unit test and the use case only gathers facts, asks, and acts.
 */

export const READER_ROLES = ['patient', 'provider', 'pharmacist', 'lab', 'insurer', 'employer'] as const;

export type Denial =
  | 'WrongRole'
  | 'RequestMismatch'
  | 'RequestExpired'
  | 'RequestTooLong'
  | 'InvalidSignature'
  | 'SignerNotBoundToLogin'
  | 'NonceReplayed'
  | 'RecordNotFound'
  | 'RecordErased'
  | 'RecordRejected'
  | 'RecordNotAccepted'
  | 'RelationshipEnded'
  | 'NoActiveGrant'
  | 'GrantNotFound'
  | 'GrantRevoked'
  | 'GrantNotYetValid'
  | 'GrantExpired'
  | 'GrantExhausted'
  | 'NotGrantee'
  | 'OutOfScope'
  | 'PurposeMismatch'
  | 'ChainUnavailable'
  | 'BlobStoreUnavailable';

export type AccessDecision =
  | { allowed: true; basis: 'owner' | 'author' | 'grant' | 'break-glass'; grantId: string | null; consume: boolean }
  | { allowed: false; denial: Denial; message: string };

const deny = (denial: Denial, message: string): AccessDecision => ({ allowed: false, denial, message });

export interface RequestFacts {
  now: number;
  maxTtlSeconds: number;
  roles: readonly string[];
  tokenSubject: string;
  urlRecordChainId: string;
  request: { recordId: string; expiry: number };
  /** The identity bound to the recovered signer address, undefined when recovery failed or nobody is bound. */
  signer: { subject: string | null; status: string } | undefined;
  signatureRecovered: boolean;
}

/** Checks that need no chain: role, request binding, expiry, signature ↔ login. Undefined = passes. */
export function checkRequest(f: RequestFacts): AccessDecision | undefined {
  if (!f.roles.some((r) => (READER_ROLES as readonly string[]).includes(r))) {
    return deny('WrongRole', `reading records needs one of the roles ${READER_ROLES.join(', ')}`);
  }
  if (f.request.recordId.toLowerCase() !== f.urlRecordChainId.toLowerCase()) {
    return deny('RequestMismatch', 'the signed request names another record');
  }
  if (f.request.expiry <= f.now) return deny('RequestExpired', 'the signed request has expired');
  if (f.request.expiry > f.now + f.maxTtlSeconds) {
    return deny('RequestTooLong', `a read request may be valid for at most ${f.maxTtlSeconds} s`);
  }
  if (!f.signatureRecovered || !f.signer)
    return deny('InvalidSignature', 'the request is not signed by a registered key');
  if (f.signer.status !== 'active' || f.signer.subject !== f.tokenSubject) {
    return deny('SignerNotBoundToLogin', 'the signing key is not the identity bound to your login');
  }
  return undefined;
}

/** Consent.Verdict as the gatekeeper's denial. */
const VERDICT_DENIALS: Record<number, Denial> = {
  1: 'GrantNotFound',
  2: 'GrantRevoked',
  3: 'GrantNotYetValid',
  4: 'GrantExpired',
  5: 'GrantExhausted',
  6: 'NotGrantee',
  7: 'OutOfScope', // the record is not the grant's patient's: to the reader, simply not covered
  8: 'OutOfScope',
};

export interface PermissionFacts {
  readerIdentityChainId: string;
  /** The signed request names a grant: the reader declared its basis, so only that grant is evaluated. */
  namedGrant: boolean;
  /** As its anchored batches prove it (PermissionCache.anchorOf): 0 not anchored, 1 pending, 2 accepted, 3 rejected. */
  record: { patientId: string; providerId: string; status: number };
  relationshipActive: boolean;
  /** The grant the request relies on (named, or found by Consent.mayRead); undefined when none applies. */
  grant: { grantId: string; verdict: number; emergency: boolean; maxUses: number; purposeMatches: boolean } | undefined;
}

/**
 * Owner and author read by right (the author only while the relationship is open) unless the request names a
 * grant to read under; anyone else needs a grant
 * the chain permits now, on an accepted record — except break-glass, which also covers records still pending.
 */
export function decidePermission(f: PermissionFacts): AccessDecision {
  const { record } = f;
  if (record.status === 0) return deny('RecordNotFound', 'no such record on-chain');
  const me = f.readerIdentityChainId.toLowerCase();
  if (!f.namedGrant && me === record.patientId.toLowerCase())
    return { allowed: true, basis: 'owner', grantId: null, consume: false };
  if (!f.namedGrant && me === record.providerId.toLowerCase()) {
    if (!f.relationshipActive) return deny('RelationshipEnded', 'the patient ended the relationship with the author');
    return { allowed: true, basis: 'author', grantId: null, consume: false };
  }
  if (record.status === 3) return deny('RecordRejected', 'the patient rejected this record');
  const g = f.grant;
  if (!g) return deny('NoActiveGrant', 'no active grant of the patient covers this record for you');
  if (g.verdict !== 0) {
    const denial = VERDICT_DENIALS[g.verdict] ?? 'NoActiveGrant';
    return deny(denial, `grant refused by the chain: ${denial}`);
  }
  if (!g.emergency && !g.purposeMatches) return deny('PurposeMismatch', 'the grant was given for another purpose');
  if (!g.emergency && record.status !== 2)
    return deny('RecordNotAccepted', 'the patient has not accepted this record yet');
  return {
    allowed: true,
    basis: g.emergency ? 'break-glass' : 'grant',
    grantId: g.grantId,
    consume: g.maxUses > 0,
  };
}
