import { z } from 'zod';

/**
 * The payload fields notifications reads from each event it consumes (README.md, "Events consumed").
 * Emitters may send more fields; only these are required. Recipients are Keycloak subjects (`sub`).
 */
const subject = z.string().min(1).max(200);
const id = z.string().min(1).max(200);
/** Unix seconds (as the consent service and the Consent contract keep them) or an ISO-8601 string. */
export const instant = z.union([z.number(), z.string()]);
/** consent's GrantScope `{recordIds, categories}`, or a plain scope name / list. */
export const scope = z.union([
  z.string(),
  z.array(z.string()),
  z.object({ recordIds: z.array(z.string()), categories: z.array(z.string()) }),
]);

export const payloadSchemas = {
  'records.RecordAdded': z.object({
    recordId: id,
    patientSubject: subject,
    providerSubject: subject,
    category: z.string().max(200),
  }),
  'records.RecordAccepted': z.object({ recordId: id, patientSubject: subject, providerSubject: subject }),
  'records.RecordRejected': z.object({ recordId: id, patientSubject: subject, providerSubject: subject }),
  'consent.AccessRequested': z.object({
    requestId: id,
    patientSubject: subject,
    requesterSubject: subject,
    purpose: z.string().max(500),
  }),
  'consent.GrantIssued': z.object({
    grantId: id,
    patientSubject: subject,
    granteeSubject: subject,
    scope,
    validUntil: instant.nullable(),
    maxUses: z.number().int().nullable(),
  }),
  'consent.GrantRevoked': z.object({ grantId: id, patientSubject: subject, granteeSubject: subject }),
  'consent.GrantExpired': z.object({ grantId: id, patientSubject: subject, granteeSubject: subject }),
  'records.RecordRead': z.object({
    recordId: id,
    patientSubject: subject,
    readerSubject: subject,
    grantId: id.nullable(),
    purpose: z.string().max(500).nullable(),
  }),
  'records.AccessConcernRaised': z.object({
    auditId: id,
    recordId: id,
    patientSubject: subject,
    readerSubject: subject,
    message: z.string().max(2000),
  }),
  'consent.BreakGlassUsed': z.object({
    patientSubject: subject,
    providerSubject: subject,
    reasonCode: z.string().max(100),
    // null while the chain has not yet confirmed the emergency window.
    until: instant.nullable(),
  }),
  'records.IntegrityViolationDetected': z.object({
    recordId: id,
    patientSubject: subject,
    expectedHash: z.string(),
    actualHash: z.string(),
  }),
  // The registrar's identity may have no login bound (subject null): then nobody is told.
  'registrar.IdentityRebound': z.object({
    subject: subject.nullable().optional(),
    oldAddress: z.string(),
    newAddress: z.string(),
  }),
  // services/drug-trace: a recall reaches each current custodian of the packs it covers (and the manufacturer).
  'drug-trace.RecallIssued': z.object({
    recallId: id,
    gtin: z.string().regex(/^\d{14}$/),
    lot: z.string().max(20).nullable(),
    serialCount: z.number().int().nullable(),
    productName: z.string().max(200),
    reason: z.string().max(500),
    manufacturerSubject: subject,
    custodianSubjects: z.array(subject).max(10_000),
  }),
  // services/drug-trace: an anomaly alert (clone, travel, wrong receiver, guessing, controlled-drug abuse…).
  'drug-trace.AnomalyDetected': z.object({
    alertId: id,
    rule: z.string().max(100),
    severity: z.enum(['warning', 'critical']),
    summary: z.string().max(500),
    partySubjects: z.array(subject).max(1000),
  }),
  // services/billing: an overcharge refunded by a credit note (the patient identity may have no login bound).
  'billing.OverchargeRefunded': z.object({
    invoiceId: id,
    creditNoteId: id,
    providerSubject: subject,
    patientSubject: subject.nullable(),
    currency: z.string().length(3),
    excess: z.string().max(40),
    interest: z.string().max(40),
    total: z.string().max(40),
  }),
  // ---- organ-registry (services/organ-registry): offers to centres, integrity alerts to auditors ----
  'organ-registry.OfferMade': z.object({
    runId: id,
    organId: id,
    candidateId: id,
    centre: subject,
    rank: z.number().int(),
    expiresAt: instant,
  }),
  'organ-registry.CandidateBypassed': z.object({
    runId: id,
    organId: id,
    candidateId: id,
    code: z.string().max(20).nullable(),
    flagged: z.boolean(),
  }),
  'organ-registry.OffListTransplantRefused': z.object({
    runId: id,
    candidateId: id,
    centre: subject,
    reason: z.string().max(500),
  }),
  'organ-registry.BulkLookupDetected': z.object({
    subject,
    username: z.string().max(200),
    distinctRecords: z.number().int(),
    windowSeconds: z.number().int(),
  }),
  'organ-registry.IschemiaAlertRaised': z.object({
    organId: id,
    organType: z.string().max(40),
    stage: z.enum(['approaching', 'reached']),
    limitAt: instant,
    notify: z.array(subject).max(20),
  }),
  'organ-registry.CustodyGapDetected': z.object({
    organId: id,
    missing: z.array(z.object({ field: z.string().max(40), identity: id })).max(4),
  }),
  'organ-registry.CustodyDiscrepancyDetected': z.object({
    organId: id,
    stage: z.string().max(40),
    observed: z.object({ laterality: z.string().max(20), abo: z.string().max(10) }).nullable(),
  }),
} as const;

export type EventType = keyof typeof payloadSchemas;
export type PayloadOf<T extends EventType> = z.infer<(typeof payloadSchemas)[T]>;
