import { payloadSchemas, type EventType, type PayloadOf } from './payloads.js';

/** Why a party hears of an event: phrases the message and lets a client group its inbox. */
export type RecipientRole =
  | 'patient'
  | 'provider'
  | 'grantee'
  | 'requester'
  | 'auditor'
  | 'owner'
  // drug-trace: a supply-chain party holding recalled packs, or concerned by an alert.
  | 'custodian'
  | 'party';

export interface Recipient {
  subject: string;
  as: RecipientRole;
}

export interface Message {
  title: string;
  body: string;
}

export type Severity = 'info' | 'alert';

export interface ResolveContext {
  /** Subjects of the auditors' office (config), told of every safety alert. */
  auditors: readonly string[];
}

/**
 * One row of the catalogue: where the event comes from, who hears of it and what they read. Adding a source
 * (drug recalls, organ offers) is one more row and, if new, one more topic.
 */
export interface CatalogueEntry<T extends EventType = EventType> {
  type: T;
  topic: string;
  /** Safety alerts ignore mutes, quiet hours and digests: they always arrive at once. */
  safety: boolean;
  /** Event versions the payload schema reads (default [1]); a newer version is skipped until it is added. */
  versions?: readonly number[];
  recipients(payload: PayloadOf<T>, ctx: ResolveContext): Recipient[];
  message(payload: PayloadOf<T>, as: RecipientRole): Message;
}

export const TOPICS = {
  record: 'uhr.records.record.v1',
  access: 'uhr.records.access.v1',
  grant: 'uhr.consent.grant.v1',
  accessRequest: 'uhr.consent.access-request.v1',
  breakGlass: 'uhr.consent.break-glass.v1',
  identity: 'uhr.registrar.identity.v1',
  drugRecall: 'uhr.drug-trace.recall.v1',
  drugAlert: 'uhr.drug-trace.alert.v1',
  billingInvoice: 'uhr.billing.invoice.v1',
  organAllocation: 'uhr.organ-registry.allocation.v1',
  organIntegrity: 'uhr.organ-registry.integrity.v1',
} as const;

const short = (s: string) => (s.length > 12 ? `${s.slice(0, 8)}…` : s);
const when = (t: number | string) => (typeof t === 'number' ? new Date(t * 1000).toISOString() : t);
function describeScope(s: PayloadOf<'consent.GrantIssued'>['scope']): string {
  if (typeof s === 'string') return s;
  if (Array.isArray(s)) return s.join(', ');
  const parts = [
    s.categories.length > 0 ? `categories ${s.categories.join(', ')}` : '',
    s.recordIds.length > 0 ? `${s.recordIds.length} record(s)` : '',
  ].filter(Boolean);
  return parts.length > 0 ? parts.join(' and ') : 'no records';
}
const auditorsOf = (ctx: ResolveContext): Recipient[] => ctx.auditors.map((subject) => ({ subject, as: 'auditor' }));

// A mapped type keeps each row's payload type exact while the table stays a plain record keyed by type.
const entries: { [T in EventType]: CatalogueEntry<T> } = {
  'records.RecordAdded': {
    type: 'records.RecordAdded',
    topic: TOPICS.record,
    safety: false,
    // v2 dropped the title (sealed in the records service); v1 still carries it and it is not read.
    versions: [1, 2],
    recipients: (p) => [{ subject: p.patientSubject, as: 'patient' }],
    message: (p) => ({
      title: 'A new record was added',
      // No title: it names what the patient was tested for, and is sealed wherever it is stored or sent.
      body: `A provider added a ${p.category} record to your records. Accept or reject it.`,
    }),
  },
  'records.RecordAccepted': {
    type: 'records.RecordAccepted',
    topic: TOPICS.record,
    safety: false,
    recipients: (p) => [{ subject: p.providerSubject, as: 'provider' }],
    message: (p) => ({ title: 'Record accepted', body: `The patient accepted record ${short(p.recordId)}.` }),
  },
  'records.RecordRejected': {
    type: 'records.RecordRejected',
    topic: TOPICS.record,
    safety: false,
    recipients: (p) => [{ subject: p.providerSubject, as: 'provider' }],
    message: (p) => ({ title: 'Record rejected', body: `The patient rejected record ${short(p.recordId)}.` }),
  },
  'consent.AccessRequested': {
    type: 'consent.AccessRequested',
    topic: TOPICS.accessRequest,
    safety: false,
    recipients: (p) => [{ subject: p.patientSubject, as: 'patient' }],
    message: (p) => ({
      title: 'Someone asks to see your records',
      body: `An access request for "${p.purpose}" awaits your decision.`,
    }),
  },
  'consent.GrantIssued': {
    type: 'consent.GrantIssued',
    topic: TOPICS.grant,
    safety: false,
    recipients: (p) => [{ subject: p.granteeSubject, as: 'grantee' }],
    message: (p) => ({
      title: 'Access granted',
      body:
        `A patient granted you access (${describeScope(p.scope)})` +
        (p.validUntil !== null ? ` until ${when(p.validUntil)}` : '') +
        (p.maxUses !== null ? `, ${p.maxUses} use(s)` : '') +
        '.',
    }),
  },
  'consent.GrantRevoked': {
    type: 'consent.GrantRevoked',
    topic: TOPICS.grant,
    safety: false,
    recipients: (p) => [{ subject: p.granteeSubject, as: 'grantee' }],
    message: (p) => ({ title: 'Access revoked', body: `The patient revoked grant ${short(p.grantId)}.` }),
  },
  'consent.GrantExpired': {
    type: 'consent.GrantExpired',
    topic: TOPICS.grant,
    safety: false,
    recipients: (p) => [
      { subject: p.granteeSubject, as: 'grantee' },
      { subject: p.patientSubject, as: 'patient' },
    ],
    message: (p, as) => ({
      title: 'Access expired',
      body:
        as === 'patient'
          ? `A grant you issued (${short(p.grantId)}) has expired; that party can no longer read your records.`
          : `Grant ${short(p.grantId)} has expired.`,
    }),
  },
  'records.RecordRead': {
    type: 'records.RecordRead',
    topic: TOPICS.access,
    safety: false,
    // A patient reading their own record is not news to them.
    recipients: (p) => (p.readerSubject === p.patientSubject ? [] : [{ subject: p.patientSubject, as: 'patient' }]),
    message: (p) => ({
      title: 'Your record was read',
      body:
        `Record ${short(p.recordId)} was read` +
        (p.purpose ? ` for "${p.purpose}"` : '') +
        (p.grantId ? ` under grant ${short(p.grantId)}.` : ' without a grant.'),
    }),
  },
  // The patient's "report a concern" about an access: the auditors' office must hear of it (it cannot be muted);
  // the patient gets the receipt.
  'records.AccessConcernRaised': {
    type: 'records.AccessConcernRaised',
    topic: TOPICS.access,
    safety: true,
    recipients: (p, ctx) => [{ subject: p.patientSubject, as: 'patient' }, ...auditorsOf(ctx)],
    message: (p, as) =>
      as === 'patient'
        ? {
            title: 'Your concern was sent',
            body: `The auditors have your concern about access ${short(p.auditId)} to record ${short(p.recordId)}.`,
          }
        : {
            title: 'A patient reported a concern about an access',
            body:
              `Access ${short(p.auditId)} to record ${short(p.recordId)} by ${short(p.readerSubject)}` +
              (p.message ? `: "${p.message}"` : '.'),
          },
  },
  'consent.BreakGlassUsed': {
    type: 'consent.BreakGlassUsed',
    topic: TOPICS.breakGlass,
    safety: true,
    recipients: (p, ctx) => [{ subject: p.patientSubject, as: 'patient' }, ...auditorsOf(ctx)],
    message: (p, as) => {
      const until = p.until === null ? '' : ` until ${when(p.until)}`;
      return {
        title: 'Emergency access used',
        body:
          as === 'patient'
            ? `A provider opened your records in an emergency (${p.reasonCode})${until}.`
            : `Break-glass access by ${p.providerSubject} to patient ${p.patientSubject} (${p.reasonCode})${until}.`,
      };
    },
  },
  'records.IntegrityViolationDetected': {
    type: 'records.IntegrityViolationDetected',
    topic: TOPICS.record,
    safety: true,
    recipients: (p, ctx) => [{ subject: p.patientSubject, as: 'patient' }, ...auditorsOf(ctx)],
    message: (p) => ({
      title: 'Record integrity violation',
      body: `Record ${short(p.recordId)} does not match its on-chain anchor; it is withheld until investigated.`,
    }),
  },
  'registrar.IdentityRebound': {
    type: 'registrar.IdentityRebound',
    topic: TOPICS.identity,
    safety: false,
    recipients: (p) => (p.subject ? [{ subject: p.subject, as: 'owner' }] : []),
    message: (p) => ({
      title: 'Your identity was bound to a new key',
      body: `Your identity now signs with ${p.newAddress} (was ${p.oldAddress}). If you did not ask for this, contact your registrar.`,
    }),
  },
  // services/drug-trace
  'drug-trace.RecallIssued': {
    type: 'drug-trace.RecallIssued',
    topic: TOPICS.drugRecall,
    safety: true,
    recipients: (p) => [
      ...p.custodianSubjects.map((subject) => ({ subject, as: 'custodian' as const })),
      { subject: p.manufacturerSubject, as: 'owner' },
    ],
    message: (p, as) => {
      const scope = p.lot ? `lot ${p.lot}` : p.serialCount ? `${p.serialCount} serial(s)` : 'every lot';
      return {
        title: `Recall: ${p.productName}`,
        body:
          as === 'custodian'
            ? `${p.productName} (GTIN ${p.gtin}, ${scope}) is recalled: ${p.reason}. Quarantine the packs you hold.`
            : `Your recall of ${p.productName} (${scope}) was issued and its custodians told.`,
      };
    },
  },
  'drug-trace.AnomalyDetected': {
    type: 'drug-trace.AnomalyDetected',
    topic: TOPICS.drugAlert,
    safety: true,
    recipients: (p, ctx) => [
      ...p.partySubjects.map((subject) => ({ subject, as: 'party' as const })),
      ...auditorsOf(ctx),
    ],
    message: (p) => ({ title: `Supply-chain alert (${p.rule}, ${p.severity})`, body: p.summary }),
  },
  // services/billing
  'billing.OverchargeRefunded': {
    type: 'billing.OverchargeRefunded',
    topic: TOPICS.billingInvoice,
    safety: false,
    recipients: (p) => [
      { subject: p.providerSubject, as: 'provider' },
      ...(p.patientSubject ? [{ subject: p.patientSubject, as: 'patient' as const }] : []),
    ],
    message: (p, as) => ({
      title: as === 'patient' ? 'You are owed a refund' : 'An invoice was found above the ceiling price',
      body:
        as === 'patient'
          ? `Invoice ${short(p.invoiceId)} charged above the government ceiling: ${p.currency} ${p.total} (excess ${p.excess} + interest ${p.interest}) is refunded by credit note ${short(p.creditNoteId)}.`
          : `Invoice ${short(p.invoiceId)} was above the ceiling: refund ${p.currency} ${p.total} (excess ${p.excess} + interest ${p.interest}) to the patient, credit note ${short(p.creditNoteId)}.`,
    }),
  },

  // ---- organ-registry: an offer reaches the centre at once; out-of-sequence and leak alerts reach auditors ----
  'organ-registry.OfferMade': {
    type: 'organ-registry.OfferMade',
    topic: TOPICS.organAllocation,
    safety: true,
    recipients: (p) => [{ subject: p.centre, as: 'provider' }],
    message: (p) => ({
      title: 'Organ offer',
      body: `Organ ${p.organId} is offered to candidate ${p.candidateId} (rank ${p.rank}); answer by ${when(p.expiresAt)}.`,
    }),
  },
  'organ-registry.CandidateBypassed': {
    type: 'organ-registry.CandidateBypassed',
    topic: TOPICS.organAllocation,
    safety: true,
    recipients: (p, ctx) => (p.flagged ? auditorsOf(ctx) : []),
    message: (p) => ({
      title: 'Allocation out of sequence',
      body: `Candidate ${p.candidateId} was bypassed on run ${short(p.runId)} ${p.code ? `with invalid code ${p.code}` : 'without a bypass code'}.`,
    }),
  },
  'organ-registry.OffListTransplantRefused': {
    type: 'organ-registry.OffListTransplantRefused',
    topic: TOPICS.organIntegrity,
    safety: true,
    recipients: (_, ctx) => auditorsOf(ctx),
    message: (p) => ({
      title: 'Off-list transplant refused',
      body: `${p.centre} tried to record a transplant of run ${short(p.runId)} into ${p.candidateId}: ${p.reason}.`,
    }),
  },
  'organ-registry.BulkLookupDetected': {
    type: 'organ-registry.BulkLookupDetected',
    topic: TOPICS.organIntegrity,
    safety: true,
    recipients: (_, ctx) => auditorsOf(ctx),
    message: (p) => ({
      title: 'Bulk look-up in the organ registry',
      body: `${p.username} read ${p.distinctRecords} donors, organs or candidates within ${p.windowSeconds} s.`,
    }),
  },
  'organ-registry.IschemiaAlertRaised': {
    type: 'organ-registry.IschemiaAlertRaised',
    topic: TOPICS.organIntegrity,
    safety: true,
    recipients: (p) => p.notify.map((subject) => ({ subject, as: 'provider' as const })),
    message: (p) => ({
      title: p.stage === 'reached' ? 'Cold ischemia limit reached' : 'Cold ischemia limit approaching',
      body: `Organ ${p.organId} (${p.organType}) ${p.stage === 'reached' ? 'reached' : 'nears'} its cold-ischemia limit at ${when(p.limitAt)}.`,
    }),
  },
  'organ-registry.CustodyGapDetected': {
    type: 'organ-registry.CustodyGapDetected',
    topic: TOPICS.organIntegrity,
    safety: true,
    recipients: (_, ctx) => auditorsOf(ctx),
    message: (p) => ({
      title: 'Custody gap',
      body: `A hand-off of organ ${p.organId} came without the signature of ${p.missing.map((m) => m.field).join(' and ')}.`,
    }),
  },
  'organ-registry.CustodyDiscrepancyDetected': {
    type: 'organ-registry.CustodyDiscrepancyDetected',
    topic: TOPICS.organIntegrity,
    safety: true,
    recipients: (_, ctx) => auditorsOf(ctx),
    message: (p) => ({
      title: 'Organ blocked at check-in',
      body: `Organ ${p.organId}: the label (${p.observed ? `${p.observed.laterality}, ${p.observed.abo}` : 'unread'}) does not match the registry; blocked until two clinicians reconcile it.`,
    }),
  },
};

export const CATALOGUE: ReadonlyMap<string, CatalogueEntry> = new Map(
  Object.values(entries).map((e) => [e.type, e as unknown as CatalogueEntry]),
);
export const EVENT_TYPES = [...CATALOGUE.keys()] as EventType[];
export const SAFETY_TYPES = EVENT_TYPES.filter((t) => CATALOGUE.get(t)!.safety);
export const MUTABLE_TYPES = EVENT_TYPES.filter((t) => !CATALOGUE.get(t)!.safety);
/**
 * Types on the consumed topics that are deliberately not notified: the steps before a fact is on-chain (the
 * patient hears of a record at `records.RecordAdded`, once anchored). The consumer passes over them without a
 * transaction — a bulk ingest publishes thousands of `RecordUploaded` a second — and they are not counted as
 * `unknown-type` (which stays for types nobody has classified yet).
 */
export const IGNORED_TYPES: ReadonlySet<string> = new Set([
  'records.RecordUploaded',
  'records.RecordAnchorRequested',
  'records.RecordResponseRequested',
  // services/billing: drafts and issues are the hospital's own business; refunds are notified.
  'billing.InvoiceDrafted',
  'billing.InvoiceIssued',
  // organ-registry's allocation facts that tell no one (the offer and its alerts do)
  'organ-registry.OffersStarted',
  'organ-registry.OfferAccepted',
  'organ-registry.OfferDeclined',
  'organ-registry.OfferExpired',
  'organ-registry.OffersExhausted',
  'organ-registry.TransplantRecorded',
]);
export const CONSUMED_TOPICS = [...new Set([...CATALOGUE.values()].map((e) => e.topic))];
/** A topic under an optional prefix (benchmarks isolate their traffic that way). */
export const prefixed = (prefix: string, topic: string) => (prefix ? `${prefix}.${topic}` : topic);

export type Resolution =
  | { kind: 'notify'; entry: CatalogueEntry; payload: unknown; recipients: Array<Recipient & Message> }
  | {
      kind: 'skip';
      reason: 'unknown-type' | 'unsupported-version' | 'invalid-payload' | 'no-recipient';
      detail: string;
    };

/**
 * Pure: an event's type, version and payload → who hears of it and what each reads. A subject named twice
 * (an auditor who is also the patient) hears once, in the first role listed.
 */
export function resolve(type: string, version: number, payload: unknown, ctx: ResolveContext): Resolution {
  const entry = CATALOGUE.get(type);
  if (!entry) return { kind: 'skip', reason: 'unknown-type', detail: type };
  if (!(entry.versions ?? [1]).includes(version)) {
    return { kind: 'skip', reason: 'unsupported-version', detail: `${type} v${version}` };
  }
  const parsed = payloadSchemas[entry.type].safeParse(payload);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.join('.') || 'payload'}: ${i.message}`).join('; ');
    return { kind: 'skip', reason: 'invalid-payload', detail };
  }
  const seen = new Set<string>();
  const recipients: Array<Recipient & Message> = [];
  for (const r of entry.recipients(parsed.data as never, ctx)) {
    if (seen.has(r.subject)) continue;
    seen.add(r.subject);
    recipients.push({ ...r, ...entry.message(parsed.data as never, r.as) });
  }
  if (recipients.length === 0) return { kind: 'skip', reason: 'no-recipient', detail: type };
  return { kind: 'notify', entry, payload: parsed.data, recipients };
}
