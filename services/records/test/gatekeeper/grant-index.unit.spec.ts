import { describe, expect, it } from '@jest/globals';
import { verdictOf, type IndexedGrant } from '../../src/gatekeeper/grant-index.js';

const NOW = 1_800_000_000;
const READER = '0x' + 'ab'.repeat(20);
const PATIENT = '0x' + '01'.repeat(32);
const RECORD = '0x' + 'aa'.repeat(32);
const CATEGORY = '0x' + 'cc'.repeat(32);

const aGrant = (over: Partial<IndexedGrant> = {}): IndexedGrant => ({
  grantId: '0x' + 'bb'.repeat(32),
  patientId: PATIENT,
  grantee: READER,
  recordIds: new Set([RECORD]),
  categories: new Set(),
  purpose: '0x' + 'dd'.repeat(32),
  validFrom: NOW - 10,
  validUntil: NOW + 10,
  maxUses: 0,
  uses: 0,
  revoked: false,
  emergency: false,
  ...over,
});
const accepted = { patientId: PATIENT, status: 2 };

describe('verdictOf mirrors Consent._verdict', () => {
  it('permits a grant in its window, to its grantee, on its patient’s record in scope', () => {
    expect(verdictOf(aGrant(), READER, accepted, RECORD, CATEGORY, NOW)).toBe(0);
    expect(
      verdictOf(
        aGrant({ recordIds: new Set(), categories: new Set([CATEGORY]) }),
        READER,
        accepted,
        RECORD,
        CATEGORY,
        NOW,
      ),
    ).toBe(0);
  });
  it.each([
    ['revoked', 2, aGrant({ revoked: true }), accepted, NOW],
    ['not yet valid', 3, aGrant({ validFrom: NOW + 1 }), accepted, NOW],
    ['expired at validUntil', 4, aGrant({ validUntil: NOW }), accepted, NOW],
    ['exhausted', 5, aGrant({ maxUses: 1, uses: 1 }), accepted, NOW],
    ['another patient’s record', 7, aGrant(), { patientId: '0x' + '02'.repeat(32), status: 2 }, NOW],
    ['a rejected record', 7, aGrant(), { patientId: PATIENT, status: 3 }, NOW],
    ['out of scope', 8, aGrant({ recordIds: new Set() }), accepted, NOW],
  ] as const)('%s → %i', (_, verdict, g, rec, now) => {
    expect(verdictOf(g, READER, rec, RECORD, CATEGORY, now)).toBe(verdict);
  });
  it('not the grantee → 6; break-glass covers every record of the patient', () => {
    expect(verdictOf(aGrant(), '0x' + 'ef'.repeat(20), accepted, RECORD, CATEGORY, NOW)).toBe(6);
    expect(
      verdictOf(
        aGrant({ emergency: true, recordIds: new Set() }),
        READER,
        { patientId: PATIENT, status: 1 },
        RECORD,
        CATEGORY,
        NOW,
      ),
    ).toBe(0);
  });
});
