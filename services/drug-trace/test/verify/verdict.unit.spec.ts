import type { Product } from '../../src/master-data/domain/master-data.js';
import type { PackState } from '../../src/packs/domain/pack.js';
import { verdictOf, vrsDataOf, type VerifyFacts } from '../../src/verify/domain/verdict.js';

const product: Product = {
  gtin: '09521234543213',
  manufacturerGln: '9521234000006',
  name: 'Paracetamol',
  strength: '500 mg',
  nationalCode: null,
  schedule: null,
  substance: 'paracetamol',
  unitsPerPack: null,
};
const pack: PackState = {
  gtin: product.gtin,
  serial: 'S1',
  lot: 'L1',
  expiry: '2028-06-30',
  status: 'active',
  since: new Date('2027-01-01T00:00:00Z'),
  statusLocation: null,
  statusParty: null,
};
const facts = (over: Partial<VerifyFacts> = {}): VerifyFacts => ({
  product,
  pack,
  lotKnown: true,
  recalls: [],
  today: '2027-06-01',
  ...over,
});
const scan = { gtin: product.gtin, serial: 'S1', lot: 'L1', expiry: '2028-06-30' };

describe('verify verdicts (EMVS codes) and their VRS answers', () => {
  it('a genuine active pack is sellable and VRS-verified', () => {
    const v = verdictOf(scan, facts());
    expect(v).toMatchObject({ sellable: true, code: 'ACTIVE', emvsAlert: null });
    expect(vrsDataOf(v)).toEqual({ verified: true });
  });

  it.each([
    [{ product: undefined }, scan, 'UNKNOWN_PRODUCT', null, 'No_match_GTIN_Serial'],
    [{ pack: undefined, lotKnown: false }, scan, 'UNKNOWN_BATCH', 'A2', 'No_match_GTIN_Serial'],
    [{ pack: undefined, lotKnown: true }, scan, 'UNKNOWN_SERIAL', 'A3', 'No_match_GTIN_Serial'],
    [{}, { ...scan, lot: 'L2' }, 'BATCH_MISMATCH', 'A68', 'No_match_GTIN_Serial_Lot'],
    [{}, { ...scan, expiry: '2028-07-31' }, 'EXPIRY_MISMATCH', 'A52', 'No_match_GTIN_Serial_Expiry'],
    [
      {},
      { ...scan, lot: 'L2', expiry: '2028-07-31' },
      'BATCH_AND_EXPIRY_MISMATCH',
      'A68',
      'No_match_GTIN_Serial_Lot_Expiry',
    ],
  ] as const)('%j with %j → %s / %s', (over, s, code, alert, reason) => {
    const v = verdictOf(s, facts(over));
    expect(v).toMatchObject({ sellable: false, code, emvsAlert: alert });
    expect(vrsDataOf(v)).toEqual({ verified: false, verificationFailureReason: reason });
  });

  it('a recall covering the lot makes it not sellable; VRS verified with Recalled', () => {
    const recall = { id: 'r', gtin: product.gtin, lot: 'L1', serials: null, reason: 'x', createdAt: new Date() };
    const v = verdictOf(scan, facts({ recalls: [recall] }));
    expect(v.code).toBe('RECALLED');
    expect(vrsDataOf(v)).toEqual({ verified: true, additionalInfo: 'Recalled' });
    const other = { ...recall, lot: 'L9' };
    expect(verdictOf(scan, facts({ recalls: [other] })).code).toBe('ACTIVE');
  });

  it('expired by date, stolen, locked and already supplied packs are not sellable', () => {
    expect(verdictOf(scan, facts({ today: '2028-07-01' })).code).toBe('EXPIRED');
    expect(verdictOf(scan, facts({ pack: { ...pack, status: 'stolen' } }))).toMatchObject({
      code: 'STOLEN',
      emvsAlert: 'A24',
    });
    expect(verdictOf(scan, facts({ pack: { ...pack, status: 'locked' } })).code).toBe('LOCKED');
    const supplied = verdictOf(scan, facts({ pack: { ...pack, status: 'supplied' } }));
    expect(supplied).toMatchObject({ code: 'ALREADY_DECOMMISSIONED', state: 'supplied' });
    expect(vrsDataOf(supplied)).toEqual({ verified: false, verificationFailureReason: 'Not_for_re-distribution' });
  });
});
