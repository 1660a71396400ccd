import { events } from '../../builders.js';
import {
  CATALOGUE,
  CONSUMED_TOPICS,
  EVENT_TYPES,
  IGNORED_TYPES,
  resolve,
  SAFETY_TYPES,
  type Resolution,
} from '../../../src/catalogue/domain/catalogue.js';

const alice = 'subject-alice';
const hospital = 'subject-hospital';
const clinic = 'subject-clinic';
const auditors = ['subject-auditor-1', 'subject-auditor-2'];
const ctx = { auditors };

const recipientsOf = (r: Resolution) =>
  r.kind === 'notify' ? r.recipients.map((x) => `${x.subject}:${x.as}`) : r.reason;

describe('catalogue: who hears of what', () => {
  const cases: Array<[string, ReturnType<(typeof events)[keyof typeof events]>, string[] | string]> = [
    ['a new record → the patient', events.recordAdded(alice, hospital), [`${alice}:patient`]],
    ['record accepted → the provider', events.recordAccepted(alice, hospital), [`${hospital}:provider`]],
    ['record rejected → the provider', events.recordRejected(alice, hospital), [`${hospital}:provider`]],
    ['access requested → the patient', events.accessRequested(alice, clinic), [`${alice}:patient`]],
    ['grant issued → the grantee', events.grantIssued(alice, clinic), [`${clinic}:grantee`]],
    ['grant revoked → the grantee', events.grantRevoked(alice, clinic), [`${clinic}:grantee`]],
    [
      'grant expired → grantee and patient',
      events.grantExpired(alice, clinic),
      [`${clinic}:grantee`, `${alice}:patient`],
    ],
    ['record read by a provider → the patient', events.recordRead(alice, clinic), [`${alice}:patient`]],
    ['record read by the patient herself → nobody', events.recordRead(alice, alice), 'no-recipient'],
    [
      'break-glass → patient and every auditor',
      events.breakGlassUsed(alice, hospital),
      [`${alice}:patient`, ...auditors.map((a) => `${a}:auditor`)],
    ],
    [
      'a patient’s concern about an access → the patient (a receipt) and every auditor',
      events.accessConcernRaised(alice, clinic),
      [`${alice}:patient`, ...auditors.map((a) => `${a}:auditor`)],
    ],
    [
      'integrity violation → patient and every auditor',
      events.integrityViolation(alice),
      [`${alice}:patient`, ...auditors.map((a) => `${a}:auditor`)],
    ],
    ['identity rebound → its login', events.identityRebound(alice), [`${alice}:owner`]],
    ['identity rebound without a login → nobody', events.identityRebound(null), 'no-recipient'],
    [
      'drug recall → each custodian and the manufacturer',
      events.drugRecall([clinic, hospital], alice),
      [`${clinic}:custodian`, `${hospital}:custodian`, `${alice}:owner`],
    ],
    [
      'drug-trace alert → the parties concerned and every auditor',
      events.drugAlert([clinic]),
      [`${clinic}:party`, ...auditors.map((a) => `${a}:auditor`)],
    ],
    // services/billing
    [
      'overcharge refunded → hospital and patient',
      events.overchargeRefunded(alice, hospital),
      [`${hospital}:provider`, `${alice}:patient`],
    ],
    [
      'overcharge refunded, patient without a login → hospital',
      events.overchargeRefunded(null, hospital),
      [`${hospital}:provider`],
    ],
    // organ-registry
    ['organ offer → the centre', events.organOffer(hospital), [`${hospital}:provider`]],
    ['bypass without a code → every auditor', events.organBypass(true), auditors.map((a) => `${a}:auditor`)],
    ['bypass with a code → nobody', events.organBypass(false), 'no-recipient'],
    ['off-list transplant → every auditor', events.offListTransplant(clinic), auditors.map((a) => `${a}:auditor`)],
    ['bulk look-up → every auditor', events.bulkLookup(clinic), auditors.map((a) => `${a}:auditor`)],
    ['custody gap → every auditor', events.custodyGap(), auditors.map((a) => `${a}:auditor`)],
    ['check-in discrepancy → every auditor', events.custodyDiscrepancy(), auditors.map((a) => `${a}:auditor`)],
    [
      'ischemia clock → the organ bank and centre',
      events.ischemia([hospital, clinic]),
      [`${hospital}:provider`, `${clinic}:provider`],
    ],
  ];

  it.each(cases)('%s', (_name, builder, expected) => {
    const e = builder.build();
    expect(recipientsOf(resolve(e.type, e.version, e.payload, ctx))).toEqual(expected);
  });

  it('covers every catalogued type', () => {
    const covered = new Set(cases.map(([, b]) => b.build().type));
    expect([...covered].sort()).toEqual([...EVENT_TYPES].sort());
  });

  it('tells a subject named twice only once (an auditor who is also the patient)', () => {
    const e = events.breakGlassUsed('subject-auditor-1', hospital).build();
    const r = resolve(e.type, e.version, e.payload, ctx);
    expect(recipientsOf(r)).toEqual(['subject-auditor-1:patient', 'subject-auditor-2:auditor']);
  });

  it('phrases the message for the role: the patient reads about herself, the auditor about the parties', () => {
    const e = events.breakGlassUsed(alice, hospital).build();
    const r = resolve(e.type, e.version, e.payload, ctx);
    if (r.kind !== 'notify') throw new Error('expected notify');
    expect(r.recipients[0]!.body).toMatch(/your records/);
    expect(r.recipients[1]!.body).toContain(hospital);
    for (const x of r.recipients) expect(x.title.length).toBeGreaterThan(0);
  });

  it("reads the consent service's shapes: a GrantScope with unix-second deadlines, an unconfirmed break-glass", () => {
    const g = events.grantIssued(alice, clinic).build();
    const r = resolve(g.type, g.version, g.payload, ctx);
    expect(r.kind === 'notify' && r.recipients[0]!.body).toBe(
      'A patient granted you access (categories laboratory) until 2027-01-01T00:00:00.000Z, 3 use(s).',
    );
    const b = events
      .breakGlassUsed(alice, hospital)
      .withPayload({
        patientSubject: alice,
        providerSubject: hospital,
        reasonCode: 'unconscious-patient',
        until: null,
        breakGlassId: 'bg-1',
      })
      .build();
    const rb = resolve(b.type, b.version, b.payload, ctx);
    expect(rb.kind === 'notify' && rb.recipients[0]!.body).toBe(
      'A provider opened your records in an emergency (unconscious-patient).',
    );
  });

  it('ignores unknown types and versions it cannot read', () => {
    expect(resolve('pharmacy.NeverHeardOf', 1, {}, ctx)).toMatchObject({ kind: 'skip', reason: 'unknown-type' });
    const e = events.recordAdded(alice, hospital).withVersion(3).build();
    expect(resolve(e.type, e.version, e.payload, ctx)).toMatchObject({ kind: 'skip', reason: 'unsupported-version' });
  });

  it('reads RecordAdded v2 (no title) and v1 (a title, never shown): the body names the category only', () => {
    const v1 = events.recordAdded(alice, hospital).build();
    const { title: _title, ...withoutTitle } = v1.payload as Record<string, unknown>;
    for (const [version, payload] of [
      [1, { ...withoutTitle, title: 'HIV viral load' }],
      [2, withoutTitle],
    ] as const) {
      const r = resolve(v1.type, version, payload, ctx);
      if (r.kind !== 'notify') throw new Error(`v${version}: expected notify`);
      expect(r.recipients[0]!.body).toBe('A provider added a laboratory record to your records. Accept or reject it.');
    }
  });

  it('refuses a payload without the fields it needs, naming them', () => {
    const r = resolve('records.RecordAdded', 1, { recordId: 'r1', patientSubject: alice }, ctx);
    expect(r).toMatchObject({ kind: 'skip', reason: 'invalid-payload' });
    expect(r.kind === 'skip' && r.detail).toMatch(/providerSubject/);
  });

  it('marks exactly break-glass, integrity violation, patients’ access concerns, drug recalls, drug-trace alerts and organ-registry offers and alerts as safety alerts', () => {
    expect([...SAFETY_TYPES].sort()).toEqual([
      'consent.BreakGlassUsed',
      'drug-trace.AnomalyDetected',
      'drug-trace.RecallIssued',
      // organ-registry: offers are time-critical, its alerts are integrity alerts
      'organ-registry.BulkLookupDetected',
      'organ-registry.CandidateBypassed',
      'organ-registry.CustodyDiscrepancyDetected',
      'organ-registry.CustodyGapDetected',
      'organ-registry.IschemiaAlertRaised',
      'organ-registry.OffListTransplantRefused',
      'organ-registry.OfferMade',
      'records.AccessConcernRaised',
      'records.IntegrityViolationDetected',
    ]);
  });

  it('subscribes to the eleven source topics', () => {
    expect([...CONSUMED_TOPICS].sort()).toEqual([
      'uhr.billing.invoice.v1',
      'uhr.consent.access-request.v1',
      'uhr.consent.break-glass.v1',
      'uhr.consent.grant.v1',
      'uhr.drug-trace.alert.v1',
      'uhr.drug-trace.recall.v1',
      'uhr.organ-registry.allocation.v1',
      'uhr.organ-registry.integrity.v1',
      'uhr.records.access.v1',
      'uhr.records.record.v1',
      'uhr.registrar.identity.v1',
    ]);
    for (const e of CATALOGUE.values()) expect(CONSUMED_TOPICS).toContain(e.topic);
  });

  it('passes over only types it never notifies (none of them is in the catalogue)', () => {
    for (const t of IGNORED_TYPES) expect(CATALOGUE.has(t)).toBe(false);
    expect(IGNORED_TYPES.has('records.RecordUploaded')).toBe(true);
  });
});

describe('catalogue: a patient’s concern about an access', () => {
  it('tells the auditors what the patient wrote, and the patient that it was sent', () => {
    const e = events.accessConcernRaised(alice, 'subject-clinic-reader-7').build();
    const r = resolve(e.type, 1, e.payload, ctx);
    if (r.kind !== 'notify') throw new Error('expected notify');
    expect(r.recipients.map((x) => [x.as, x.title, x.body])).toEqual([
      [
        'patient',
        'Your concern was sent',
        'The auditors have your concern about access 5b0c1c64… to record 9d2f7a10….',
      ],
      ...auditors.map(() => [
        'auditor',
        'A patient reported a concern about an access',
        'Access 5b0c1c64… to record 9d2f7a10… by subject-…: "I do not know this clinic."',
      ]),
    ]);
  });
});
