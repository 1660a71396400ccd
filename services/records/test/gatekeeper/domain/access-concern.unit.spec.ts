import { auditEventOf } from '../../../src/gatekeeper/audit/audit-event.js';
import { decideConcern, type AccessConcern } from '../../../src/gatekeeper/domain/access-concern.js';

const entry = {
  id: '5b0c1c64-3c1e-4a8e-9a4e-0d6f3f1f5e11',
  recordId: '9d2f7a10-77c8-4c4e-8f7e-2b1e0b3c4d5e',
  patientSubject: 'alice-sub',
  readerSubject: 'pharmacy-sub',
};
const now = new Date('2026-12-02T10:00:00.000Z');

describe('a patient’s concern about an access', () => {
  it('the patient of the record read raises it: the concern and its event, message trimmed', () => {
    const raised = {
      auditId: entry.id,
      recordId: entry.recordId,
      patientSubject: 'alice-sub',
      readerSubject: 'pharmacy-sub',
      message: 'I never went to that pharmacy',
      raisedAt: '2026-12-02T10:00:00.000Z',
    };
    expect(decideConcern(entry, 'alice-sub', '  I never went to that pharmacy ', undefined, now)).toEqual({
      raise: raised,
      event: { type: 'records.AccessConcernRaised', version: 1, payload: raised },
    });
  });

  it('raised again, it answers the first one', () => {
    const first: AccessConcern = {
      ...entry,
      auditId: entry.id,
      patientSubject: 'alice-sub',
      message: 'x',
      raisedAt: 'then',
    };
    expect(decideConcern(entry, 'alice-sub', 'another text', first, now)).toEqual({ already: first });
  });

  it.each([
    ['another patient', entry, 'bob-sub', 'NotThePatient'],
    ['the reader itself', entry, 'pharmacy-sub', 'NotThePatient'],
    ['an access to an unknown record (no patient)', { ...entry, patientSubject: null }, 'alice-sub', 'NotThePatient'],
    ['the patient’s own read', { ...entry, readerSubject: 'alice-sub' }, 'alice-sub', 'OwnAccess'],
  ])('is refused for %s', (_, e, by, refused) => {
    expect(decideConcern(e, by, '', undefined, now)).toMatchObject({ refused });
  });

  it('is refused past 2,000 characters', () => {
    expect(decideConcern(entry, 'alice-sub', 'x'.repeat(2001), undefined, now)).toMatchObject({
      refused: 'MessageTooLong',
    });
  });
});

describe('the AuditEvent names the reader’s role', () => {
  const facts = {
    id: entry.id,
    recordedAt: '2026-12-02T10:00:00.000Z',
    recordId: entry.recordId,
    patientId: null,
    readerSubject: 'pharmacy-sub',
    readerUsername: 'pharmacist-1',
    readerAddress: null,
    purpose: 'dispensing',
    grantId: null,
    basis: null,
    outcome: 'allowed' as const,
    reason: null,
  };

  it('UHR roles only, labelled, with their code', () => {
    const agent = auditEventOf({ ...facts, readerRoles: ['offline_access', 'pharmacist', 'default-roles-uhr'] })
      .agent[0]!;
    expect(agent).toMatchObject({
      who: { display: 'pharmacist-1' },
      role: [{ coding: [{ system: 'urn:uhr:role', code: 'pharmacist' }], text: 'Pharmacist' }],
    });
  });

  it('no UHR role: no role element (FHIR allows no empty array)', () => {
    expect(auditEventOf({ ...facts, readerRoles: ['offline_access'] }).agent[0]).not.toHaveProperty('role');
  });
});
