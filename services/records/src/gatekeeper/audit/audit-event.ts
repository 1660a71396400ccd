import { ROLE_LABELS, uhrRolesOf } from '@uhr/platform';

/** A gatekeeper decision as a FHIR R4 AuditEvent (what the patient sees in their access log). */
export interface AuditFacts {
  id: string;
  recordedAt: string;
  recordId: string;
  patientId: string | null;
  readerSubject: string;
  readerUsername: string;
  /** The reader's roles when they asked (their token's), e.g. pharmacist. */
  readerRoles: readonly string[];
  readerAddress: string | null;
  purpose: string;
  grantId: string | null;
  basis: string | null;
  outcome: 'allowed' | 'denied' | 'integrity-violation';
  reason: string | null;
}

// AuditEvent.outcome: 0 success, 4 minor failure (refused), 8 serious failure (tampering detected).
const OUTCOME_CODE = { allowed: '0', denied: '4', 'integrity-violation': '8' } as const;

/** The reader's UHR roles as the agent's roles (FHIR allows no empty array: none, no element). */
function rolesOf(roles: readonly string[]) {
  const uhr = uhrRolesOf(roles);
  if (uhr.length === 0) return {};
  return { role: uhr.map((code) => ({ coding: [{ system: 'urn:uhr:role', code }], text: ROLE_LABELS[code] })) };
}

export function auditEventOf(f: AuditFacts) {
  return {
    resourceType: 'AuditEvent',
    id: f.id,
    type: {
      system: 'http://terminology.hl7.org/CodeSystem/audit-event-type',
      code: 'rest',
      display: 'RESTful Operation',
    },
    subtype: [{ system: 'http://hl7.org/fhir/restful-interaction', code: 'read', display: 'read' }],
    action: 'R',
    recorded: f.recordedAt,
    outcome: OUTCOME_CODE[f.outcome],
    ...(f.reason ? { outcomeDesc: f.reason } : {}),
    purposeOfEvent: [{ text: f.purpose }],
    agent: [
      {
        who: { identifier: { system: 'urn:uhr:keycloak-subject', value: f.readerSubject }, display: f.readerUsername },
        ...(f.readerAddress ? { altId: f.readerAddress } : {}),
        ...rolesOf(f.readerRoles),
        requestor: true,
      },
    ],
    source: { observer: { display: 'uhr-records-gatekeeper' } },
    entity: [
      { what: { reference: `DocumentReference/${f.recordId}` }, role: { code: '4', display: 'Domain Resource' } },
      ...(f.patientId
        ? [{ what: { reference: `Patient/${f.patientId}` }, role: { code: '1', display: 'Patient' } }]
        : []),
      ...(f.grantId
        ? [
            {
              what: { identifier: { system: 'urn:uhr:consent-grant', value: f.grantId } },
              detail: [{ type: 'basis', valueString: f.basis ?? '' }],
            },
          ]
        : f.basis
          ? [{ what: { identifier: { system: 'urn:uhr:access-basis', value: f.basis } } }]
          : []),
    ],
  };
}
