/**
 * The Grant aggregate: a patient lets one grantee read records in a scope (record ids and/or categories) for a
 * purpose, within a time window, at most maxUses times (0 = unlimited). The patient signs (EIP-712); the
 * Consent contract holds the authoritative grant. Pure: decide(command, state, now) → events.
 */

export const MAX_SCOPE_ITEMS = 64;

export interface GrantScope {
  recordIds: string[];
  categories: string[];
}

export type GrantStatus = 'requested' | 'active' | 'rejected' | 'revoking' | 'revoked' | 'expired';

export type GrantEvent =
  | {
      type: 'consent.GrantRequested';
      version: 1;
      payload: {
        grantId: string;
        patientId: string;
        patientSubject: string;
        granteeId: string;
        granteeSubject: string;
        grantee: string;
        scope: GrantScope;
        purpose: string;
        validFrom: number;
        validUntil: number;
        maxUses: number;
        accessRequestId: string | null;
        nonce: string;
        deadline: string;
        signature: string;
      };
    }
  | {
      type: 'consent.GrantIssued';
      version: 1;
      payload: {
        grantId: string;
        patientSubject: string;
        granteeSubject: string;
        scope: GrantScope;
        purpose: string;
        validFrom: number;
        validUntil: number;
        maxUses: number;
        txHash: string | null;
      };
    }
  | { type: 'consent.GrantRejected'; version: 1; payload: { grantId: string; reason: string } }
  | {
      type: 'consent.GrantRevocationRequested';
      version: 1;
      payload: { grantId: string; nonce: string; deadline: string; signature: string };
    }
  | {
      type: 'consent.GrantRevoked';
      version: 1;
      payload: { grantId: string; patientSubject: string; granteeSubject: string; txHash: string | null };
    }
  | { type: 'consent.GrantRevocationFailed'; version: 1; payload: { grantId: string; reason: string } }
  | {
      type: 'consent.GrantExpired';
      version: 1;
      payload: { grantId: string; patientSubject: string; granteeSubject: string; validUntil: number };
    };

type Requested = Extract<GrantEvent, { type: 'consent.GrantRequested' }>['payload'];

export type GrantCommand =
  | ({ type: 'RequestGrant'; by: string } & Requested)
  | { type: 'ConfirmGrant'; txHash: string | null }
  | { type: 'RejectGrant'; reason: string }
  | { type: 'RequestRevocation'; by: string; nonce: string; deadline: string; signature: string }
  | { type: 'ConfirmRevocation'; txHash: string | null }
  | { type: 'FailRevocation'; reason: string }
  | { type: 'ExpireGrant' };

export interface GrantState {
  exists: boolean;
  status: GrantStatus | null;
  request: Requested | null;
}

export const initialGrant: GrantState = { exists: false, status: null, request: null };

export type GrantRefusal =
  | 'GrantAlreadyExists'
  | 'GrantNotFound'
  | 'NotThePatient'
  | 'InvalidWindow'
  | 'InvalidScope'
  | 'InvalidGrantee'
  | 'GrantNotActive'
  | 'GrantNotExpired';

export class GrantRuleViolation extends Error {
  constructor(
    readonly code: GrantRefusal,
    message: string,
  ) {
    super(message);
  }
}

/** `now` is unix seconds, passed in (no clock inside the domain). */
export function decide(cmd: GrantCommand, s: GrantState, now: number): GrantEvent[] {
  if (cmd.type === 'RequestGrant') {
    if (s.exists) throw new GrantRuleViolation('GrantAlreadyExists', 'grant already exists');
    if (cmd.by !== cmd.patientSubject) throw new GrantRuleViolation('NotThePatient', 'only the patient grants access');
    if (cmd.validUntil <= cmd.validFrom || cmd.validUntil <= now) {
      throw new GrantRuleViolation('InvalidWindow', 'validUntil must be after validFrom and in the future');
    }
    const items = cmd.scope.recordIds.length + cmd.scope.categories.length;
    if (items === 0 || items > MAX_SCOPE_ITEMS) {
      throw new GrantRuleViolation('InvalidScope', `a grant covers 1 to ${MAX_SCOPE_ITEMS} record ids and categories`);
    }
    if (cmd.granteeId === cmd.patientId)
      throw new GrantRuleViolation('InvalidGrantee', 'a patient does not grant to themself');
    const { type: _t, by: _b, ...payload } = cmd;
    return [{ type: 'consent.GrantRequested', version: 1, payload }];
  }
  if (!s.exists || !s.request) throw new GrantRuleViolation('GrantNotFound', 'grant not found');
  const r = s.request;
  const parties = { grantId: r.grantId, patientSubject: r.patientSubject, granteeSubject: r.granteeSubject };
  switch (cmd.type) {
    case 'ConfirmGrant':
      return [
        {
          type: 'consent.GrantIssued',
          version: 1,
          payload: {
            ...parties,
            scope: r.scope,
            purpose: r.purpose,
            validFrom: r.validFrom,
            validUntil: r.validUntil,
            maxUses: r.maxUses,
            txHash: cmd.txHash,
          },
        },
      ];
    case 'RejectGrant':
      return [{ type: 'consent.GrantRejected', version: 1, payload: { grantId: r.grantId, reason: cmd.reason } }];
    case 'RequestRevocation':
      if (cmd.by !== r.patientSubject)
        throw new GrantRuleViolation('NotThePatient', 'only the patient revokes a grant');
      if (s.status !== 'active') throw new GrantRuleViolation('GrantNotActive', `grant is ${s.status}`);
      return [
        {
          type: 'consent.GrantRevocationRequested',
          version: 1,
          payload: { grantId: r.grantId, nonce: cmd.nonce, deadline: cmd.deadline, signature: cmd.signature },
        },
      ];
    case 'ConfirmRevocation':
      return [{ type: 'consent.GrantRevoked', version: 1, payload: { ...parties, txHash: cmd.txHash } }];
    case 'FailRevocation':
      return [
        { type: 'consent.GrantRevocationFailed', version: 1, payload: { grantId: r.grantId, reason: cmd.reason } },
      ];
    case 'ExpireGrant':
      if (s.status !== 'active' && s.status !== 'revoking')
        throw new GrantRuleViolation('GrantNotActive', `grant is ${s.status}`);
      if (now < r.validUntil) throw new GrantRuleViolation('GrantNotExpired', 'grant is still within its window');
      return [{ type: 'consent.GrantExpired', version: 1, payload: { ...parties, validUntil: r.validUntil } }];
  }
}

export function evolve(s: GrantState, e: GrantEvent): GrantState {
  switch (e.type) {
    case 'consent.GrantRequested':
      return { exists: true, status: 'requested', request: e.payload };
    case 'consent.GrantIssued':
      return { ...s, status: 'active' };
    case 'consent.GrantRejected':
      return { ...s, status: 'rejected' };
    case 'consent.GrantRevocationRequested':
      return { ...s, status: 'revoking' };
    case 'consent.GrantRevoked':
      return { ...s, status: 'revoked' };
    case 'consent.GrantRevocationFailed':
      return { ...s, status: 'active' };
    case 'consent.GrantExpired':
      return { ...s, status: 'expired' };
  }
}

/** A grant as a FHIR R4 Consent resource. */
export function fhirConsentOf(g: {
  id: string;
  status: string;
  patientId: string;
  granteeId: string;
  scope: GrantScope;
  purpose: string;
  validFrom: number;
  validUntil: number;
  maxUses: number;
  createdAt: string;
  chainTxHash: string | null;
}) {
  const state =
    g.status === 'active'
      ? 'active'
      : g.status === 'requested' || g.status === 'revoking'
        ? 'proposed'
        : g.status === 'rejected'
          ? 'rejected'
          : 'inactive';
  return {
    resourceType: 'Consent',
    id: g.id,
    status: state,
    scope: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'patient-privacy' }] },
    category: [{ coding: [{ system: 'http://loinc.org', code: '59284-0', display: 'Patient Consent' }] }],
    patient: { reference: `Patient/${g.patientId}` },
    dateTime: g.createdAt,
    policyRule: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'OPTIN' }] },
    ...(g.chainTxHash ? { sourceReference: { identifier: { system: 'urn:uhr:eth-tx', value: g.chainTxHash } } } : {}),
    provision: {
      type: 'permit',
      period: { start: new Date(g.validFrom * 1000).toISOString(), end: new Date(g.validUntil * 1000).toISOString() },
      actor: [
        {
          role: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType', code: 'IRCP' }] },
          reference: { reference: `RelatedPerson/${g.granteeId}` },
        },
      ],
      action: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentaction', code: 'access' }] }],
      purpose: [{ system: 'urn:uhr:purpose', code: g.purpose }],
      ...(g.scope.categories.length > 0
        ? { class: g.scope.categories.map((c) => ({ system: 'urn:uhr:record-category', code: c })) }
        : {}),
      ...(g.scope.recordIds.length > 0
        ? {
            data: g.scope.recordIds.map((r) => ({
              meaning: 'instance',
              reference: { reference: `DocumentReference/${r}` },
            })),
          }
        : {}),
      ...(g.maxUses > 0 ? { extension: [{ url: 'urn:uhr:max-uses', valueUnsignedInt: g.maxUses }] } : {}),
    },
  };
}
