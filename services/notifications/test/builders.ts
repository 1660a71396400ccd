import { randomUUID } from 'node:crypto';
import type { EventEnvelope } from '@uhr/platform';
import { CATALOGUE } from '../src/catalogue/domain/catalogue.js';
import type { EventType, PayloadOf } from '../src/catalogue/domain/payloads.js';

/** Test data: an envelope of any catalogued type, as the emitting service would publish it. */
export class EnvelopeBuilder<T extends EventType> {
  private env: { -readonly [K in keyof EventEnvelope]: EventEnvelope[K] };

  constructor(type: T, payload: PayloadOf<T>) {
    const id = randomUUID();
    this.env = {
      id,
      type,
      version: 1,
      aggregateId: randomUUID(),
      sequence: 1,
      occurredAt: new Date().toISOString(),
      actor: 'test',
      correlationId: id,
      causationId: id,
      payload,
    };
  }

  withId(id: string) {
    this.env.id = id;
    return this;
  }
  withVersion(v: number) {
    this.env.version = v;
    return this;
  }
  withPayload(payload: unknown) {
    this.env.payload = payload;
    return this;
  }
  get topic(): string {
    return CATALOGUE.get(this.env.type)!.topic;
  }
  build(): EventEnvelope {
    return { ...this.env };
  }
}

const rid = () => randomUUID();

/** One builder per catalogued type, with sensible payloads between the given parties. */
export const events = {
  recordAdded: (patient: string, provider: string) =>
    new EnvelopeBuilder('records.RecordAdded', {
      recordId: rid(),
      patientSubject: patient,
      providerSubject: provider,
      category: 'laboratory',
    }),
  recordAccepted: (patient: string, provider: string) =>
    new EnvelopeBuilder('records.RecordAccepted', {
      recordId: rid(),
      patientSubject: patient,
      providerSubject: provider,
    }),
  recordRejected: (patient: string, provider: string) =>
    new EnvelopeBuilder('records.RecordRejected', {
      recordId: rid(),
      patientSubject: patient,
      providerSubject: provider,
    }),
  accessRequested: (patient: string, requester: string) =>
    new EnvelopeBuilder('consent.AccessRequested', {
      requestId: rid(),
      patientSubject: patient,
      requesterSubject: requester,
      purpose: 'treatment',
    }),
  grantIssued: (patient: string, grantee: string) =>
    new EnvelopeBuilder('consent.GrantIssued', {
      grantId: rid(),
      patientSubject: patient,
      granteeSubject: grantee,
      // The consent service's shape: a GrantScope and unix seconds.
      scope: { recordIds: [], categories: ['laboratory'] },
      validUntil: 1_798_761_600,
      maxUses: 3,
    }),
  grantRevoked: (patient: string, grantee: string) =>
    new EnvelopeBuilder('consent.GrantRevoked', { grantId: rid(), patientSubject: patient, granteeSubject: grantee }),
  grantExpired: (patient: string, grantee: string) =>
    new EnvelopeBuilder('consent.GrantExpired', { grantId: rid(), patientSubject: patient, granteeSubject: grantee }),
  recordRead: (patient: string, reader: string, grantId: string | null = rid()) =>
    new EnvelopeBuilder('records.RecordRead', {
      recordId: rid(),
      patientSubject: patient,
      readerSubject: reader,
      grantId,
      purpose: 'treatment',
    }),
  accessConcernRaised: (patient: string, reader: string, message = 'I do not know this clinic.') =>
    new EnvelopeBuilder('records.AccessConcernRaised', {
      auditId: '5b0c1c64-3c1e-4a8e-9a4e-0d6f3f1f5e11',
      recordId: '9d2f7a10-77c8-4c4e-8f7e-2b1e0b3c4d5e',
      patientSubject: patient,
      readerSubject: reader,
      message,
    }),
  breakGlassUsed: (patient: string, provider: string) =>
    new EnvelopeBuilder('consent.BreakGlassUsed', {
      patientSubject: patient,
      providerSubject: provider,
      reasonCode: 'unconscious-patient',
      until: '2026-12-01T00:00:00.000Z',
    }),
  integrityViolation: (patient: string) =>
    new EnvelopeBuilder('records.IntegrityViolationDetected', {
      recordId: rid(),
      patientSubject: patient,
      expectedHash: '0x' + 'a'.repeat(64),
      actualHash: '0x' + 'b'.repeat(64),
    }),
  identityRebound: (subject: string | null) =>
    new EnvelopeBuilder('registrar.IdentityRebound', {
      subject,
      oldAddress: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
      newAddress: '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC',
    }),
  drugRecall: (custodians: string[], manufacturer: string) =>
    new EnvelopeBuilder('drug-trace.RecallIssued', {
      recallId: rid(),
      gtin: '09521234543213',
      lot: 'LOT1',
      serialCount: null,
      productName: 'Paracetamol 500 mg',
      reason: 'contamination',
      manufacturerSubject: manufacturer,
      custodianSubjects: custodians,
    }),
  drugAlert: (parties: string[]) =>
    new EnvelopeBuilder('drug-trace.AnomalyDetected', {
      alertId: rid(),
      rule: 'clone-suspicion',
      severity: 'critical',
      summary: 'a pack decommissioned twice',
      partySubjects: parties,
    }),
  // services/billing
  overchargeRefunded: (patient: string | null, provider: string) =>
    new EnvelopeBuilder('billing.OverchargeRefunded', {
      invoiceId: rid(),
      creditNoteId: rid(),
      providerSubject: provider,
      patientSubject: patient,
      currency: 'INR',
      excess: '879.80',
      interest: '65.07',
      total: '944.87',
    }),
  // ---- organ-registry ----
  organOffer: (centre: string) =>
    new EnvelopeBuilder('organ-registry.OfferMade', {
      runId: rid(),
      organId: 'OR-ABCDEFGH23',
      candidateId: 'cand-1',
      centre,
      rank: 1,
      expiresAt: '2026-01-01T11:00:00.000Z',
    }),
  organBypass: (flagged: boolean) =>
    new EnvelopeBuilder('organ-registry.CandidateBypassed', {
      runId: rid(),
      organId: 'OR-ABCDEFGH23',
      candidateId: 'cand-2',
      code: flagged ? null : '861',
      flagged,
    }),
  offListTransplant: (centre: string) =>
    new EnvelopeBuilder('organ-registry.OffListTransplantRefused', {
      runId: rid(),
      candidateId: 'cand-9',
      centre,
      reason: 'cand-9 did not accept this organ from the run',
    }),
  bulkLookup: (subject: string) =>
    new EnvelopeBuilder('organ-registry.BulkLookupDetected', {
      subject,
      username: 'provider-clinic',
      distinctRecords: 51,
      windowSeconds: 600,
    }),
  custodyGap: () =>
    new EnvelopeBuilder('organ-registry.CustodyGapDetected', {
      organId: 'OR-ABCDEFGH23',
      missing: [{ field: 'toId', identity: '0x' + '00'.repeat(16) + '11'.repeat(16) }],
    }),
  custodyDiscrepancy: () =>
    new EnvelopeBuilder('organ-registry.CustodyDiscrepancyDetected', {
      organId: 'OR-ABCDEFGH23',
      stage: 'checked-in',
      observed: { laterality: 'right', abo: 'A2' },
    }),
  ischemia: (notify: string[]) =>
    new EnvelopeBuilder('organ-registry.IschemiaAlertRaised', {
      organId: 'OR-ABCDEFGH23',
      organType: 'heart',
      stage: 'approaching',
      limitAt: '2026-01-01T16:00:00.000Z',
      notify,
    }),
};
