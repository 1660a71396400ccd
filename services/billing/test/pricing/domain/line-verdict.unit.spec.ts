import { aVersion, anEntry, strip } from '../../builders.js';
import { decimal } from '../../../src/pricing/domain/money.js';
import { verdictOf, type PricedLine, type PricingContext } from '../../../src/pricing/domain/line-verdict.js';

// Fixture schedule (invented prices): PARA-500 ₹2.50/tablet until 31 Mar 2025 (S.O. 1000(E)), ₹2.00 from
// 1 Apr 2025 in Asia/Kolkata (S.O. 1488(E)); both + 12% GST, hard cap.
const v2024 = aVersion('1000', '2024-04-01', '2025-04-01', [anEntry('PARA-500', { ceilingPerUnit: decimal('2.50') })]);
const v2025 = aVersion('1488', '2025-04-01', undefined, [
  anEntry('PARA-500'),
  anEntry('IBU-SUSP', { unit: 'ML', ceilingPerUnit: decimal('0.17935') }),
  anEntry('DES', {
    unit: 'EACH',
    ceilingPerUnit: decimal('38933.14'),
    taxRate: decimal('5'),
    deviceDetailsRequired: true,
  }),
  anEntry('INCL-112', { unit: 'EACH', ceilingPerUnit: decimal('112.00'), taxInclusive: true }),
  anEntry('ATORVA-10', { ceilingPerUnit: decimal('5.00'), regime: 'REFERENCE_PRICE' }),
]);
const ctx = (at = '2025-06-01T06:00:00Z'): PricingContext => ({
  versions: [v2024, v2025],
  packs: new Map([[strip.gtin, strip]]),
  currency: 'INR',
  invoicedAt: new Date(at),
});
const line = (over: Partial<Record<keyof PricedLine, unknown>>): PricedLine => ({
  code: 'PARA-500',
  quantity: decimal('10'),
  unitPrice: decimal('2.00'),
  taxRate: decimal('12'),
  currency: 'INR',
  ...(over as Partial<PricedLine>),
});
const codes = (l: PricedLine, c = ctx()) => verdictOf(l, c).findings.map((f) => f.code);

describe('line verdicts', () => {
  it('accepts a line at the ceiling and cites the version and instrument', () => {
    // 10 × 2.00 = 20.00 net; 12% = 2.40; gross 22.40 = ceiling 2.00 × 10 × 1.12 exactly.
    const v = verdictOf(line({}), ctx());
    expect(v).toMatchObject({ status: 'ACCEPTED', net: '20.00', tax: '2.40', gross: '22.40', excess: '0.00' });
    expect(v.allowedGross).toBe('22.4');
    expect(v.schedule).toEqual({ versionId: '1488', instrument: 'S.O. 1488(E)' });
  });

  it('refuses a line above the ceiling with the excess', () => {
    // 10 × 2.10 × 1.12 = 23.52 charged; 22.40 allowed; excess 1.12.
    const v = verdictOf(line({ unitPrice: decimal('2.10') }), ctx());
    expect(v).toMatchObject({ status: 'REFUSED', gross: '23.52', excess: '1.12' });
    expect(v.findings).toEqual([
      expect.objectContaining({ code: 'ABOVE_CEILING', excess: '1.12', refusing: true, schedule: v.schedule }),
    ]);
  });

  it('normalises packs to the regulated unit (a strip of 10 tablets)', () => {
    // 3 strips = 30 tablets; allowed 2.00 × 30 × 1.12 = 67.20. At 19.90 a strip: 59.70 × 1.12 = 66.864 ≤ 67.20.
    // Billed: net 59.70, tax 59.70 × 0.12 = 7.164 → 7.16, gross 66.86.
    const ok = verdictOf(
      line({ code: undefined, gtin: strip.gtin, quantity: decimal('3'), unitPrice: decimal('19.90') }),
      ctx(),
    );
    expect(ok).toMatchObject({ status: 'ACCEPTED', units: '30', net: '59.70', tax: '7.16', gross: '66.86' });
    // At 20.10 a strip: 60.30 × 1.12 = 67.536; over by 0.336, rounded up to 0.34.
    const over = verdictOf(
      line({ code: undefined, gtin: strip.gtin, quantity: decimal('3'), unitPrice: decimal('20.10') }),
      ctx(),
    );
    expect(over).toMatchObject({ status: 'REFUSED', excess: '0.34' });
  });

  it('compares unrounded: the ceiling to five decimals is met exactly, a ten-thousandth of a paisa above is not', () => {
    // 100 mL × 0.17935 = 17.935 net exact → billed 17.94 (half up); tax 17.94 × 0.12 = 2.1528 → 2.15; gross 20.09.
    // Exact gross 17.935 × 1.12 = 20.0872 = the allowance: accepted although the billed 20.09 is higher.
    const at = verdictOf(line({ code: 'IBU-SUSP', quantity: decimal('100'), unitPrice: decimal('0.17935') }), ctx());
    expect(at).toMatchObject({
      status: 'ACCEPTED',
      net: '17.94',
      tax: '2.15',
      gross: '20.09',
      allowedGross: '20.0872',
    });
    // 0.17936: exact gross 17.936 × 1.12 = 20.08832; over by 0.00112 → rounded up to 0.01. Same billed 20.09.
    const above = verdictOf(line({ code: 'IBU-SUSP', quantity: decimal('100'), unitPrice: decimal('0.17936') }), ctx());
    expect(above).toMatchObject({ status: 'REFUSED', gross: '20.09', excess: '0.01' });
  });

  it('treats a tax-inclusive ceiling as the gross price', () => {
    // Ceiling ₹112.00 including 12%: 100.00 + 12% = 112.00 gross is within.
    expect(
      verdictOf(line({ code: 'INCL-112', quantity: decimal('1'), unitPrice: decimal('100.00') }), ctx()).status,
    ).toBe('ACCEPTED');
    // 100.01 × 1.12 = 112.0112: over by 0.0112 → 0.02. (Tax-exclusive it would allow 112 × 1.12 = 125.44.)
    const v = verdictOf(line({ code: 'INCL-112', quantity: decimal('1'), unitPrice: decimal('100.01') }), ctx());
    expect(v).toMatchObject({ status: 'REFUSED', excess: '0.02', allowedGross: '112' });
  });

  it('switches price at midnight in the regulator zone, not at midnight UTC', () => {
    // 10 × 2.40 × 1.12 = 26.88. 2025-03-31T18:29:59Z is 23:59:59 IST on 31 March: ₹2.50 applies (allowed 28.00).
    const before = verdictOf(line({ unitPrice: decimal('2.40') }), ctx('2025-03-31T18:29:59Z'));
    expect(before).toMatchObject({ status: 'ACCEPTED', schedule: { versionId: '1000', instrument: 'S.O. 1000(E)' } });
    // One second later it is 00:00 IST on 1 April (still 31 March in UTC): ₹2.00, allowed 22.40, excess 4.48.
    const after = verdictOf(line({ unitPrice: decimal('2.40') }), ctx('2025-03-31T18:30:00Z'));
    expect(after).toMatchObject({ status: 'REFUSED', excess: '4.48', schedule: { versionId: '1488' } });
  });

  it('binds stock made before a revision to the price in force on the invoice date', () => {
    // A strip from batch B2407 (made July 2024, labelled at the old ₹2.50) sold on 2 April 2025: ₹2.00 applies.
    // 1 strip at 25.00 a strip (the old 2.50 × 10): 25.00 × 1.12 = 28.00 vs allowed 22.40 → excess 5.60.
    const old = line({
      code: undefined,
      gtin: strip.gtin,
      quantity: decimal('1'),
      unitPrice: decimal('25.00'),
      device: { batch: 'B2407' },
    });
    expect(verdictOf(old, ctx('2025-04-02T05:00:00Z'))).toMatchObject({ status: 'REFUSED', excess: '5.60' });
  });

  it('caps at the label MRP when it is below the ceiling', () => {
    // Strip MRP ₹20.00 (tax included); ceiling 22.40 a strip. 18.00 + 12% = 20.16: above MRP by 0.16, not the ceiling.
    const v = verdictOf(
      line({
        code: undefined,
        gtin: strip.gtin,
        quantity: decimal('1'),
        unitPrice: decimal('18.00'),
        labelMrp: decimal('20.00'),
      }),
      ctx(),
    );
    expect(v).toMatchObject({ status: 'REFUSED', excess: '0.16', allowedGross: '20' });
    expect(v.findings.map((f) => [f.code, f.excess])).toEqual([['ABOVE_LABEL_MRP', '0.16']]);
  });

  it('lets a reference-price line through, the excess recorded for the patient', () => {
    // 30 × 6.00 × 1.12 = 201.60 vs 30 × 5.00 × 1.12 = 168.00: excess 33.60, not refusing.
    const v = verdictOf(line({ code: 'ATORVA-10', quantity: decimal('30'), unitPrice: decimal('6.00') }), ctx());
    expect(v).toMatchObject({ status: 'ACCEPTED', regime: 'REFERENCE_PRICE', excess: '33.60' });
    expect(v.findings).toEqual([expect.objectContaining({ code: 'ABOVE_CEILING', refusing: false })]);
  });

  it('refuses fractional, zero and negative counts of tablets and packs, not of millilitres', () => {
    expect(codes(line({ quantity: decimal('2.5') }))).toEqual(['INVALID_QUANTITY']);
    expect(codes(line({ quantity: decimal('0') }))).toEqual(['INVALID_QUANTITY']);
    expect(codes(line({ quantity: decimal('-1') }))).toEqual(['INVALID_QUANTITY']);
    expect(codes(line({ code: undefined, gtin: strip.gtin, quantity: decimal('1.5') }))).toEqual(['INVALID_QUANTITY']);
    expect(codes(line({ code: 'IBU-SUSP', quantity: decimal('12.5'), unitPrice: decimal('0.17') }))).toEqual([]);
  });

  it('refuses a currency other than the schedule and a tax rate other than the one that applies', () => {
    expect(codes(line({ currency: 'USD' }))).toEqual(['CURRENCY_MISMATCH']);
    // 18% on the line where 12% applies; the ceiling itself is still met (10 × 2.00 × 1.18 = 23.60 > 22.40 is not).
    expect(codes(line({ taxRate: decimal('18'), unitPrice: decimal('1.80') }))).toEqual(['TAX_RATE_MISMATCH']);
  });

  it('requires batch, brand and maker on a device line', () => {
    const stent = line({ code: 'DES', quantity: decimal('1'), unitPrice: decimal('38933.14'), taxRate: decimal('5') });
    expect(codes({ ...stent, device: { batch: 'X1', brand: 'Flow' } })).toEqual(['DEVICE_DETAILS_MISSING']);
    expect(codes({ ...stent, device: { batch: 'X1', brand: 'Flow', maker: 'Acme' } })).toEqual([]);
  });

  it('refuses an unknown code, an unmapped barcode, and a code outside any period', () => {
    expect(codes(line({ code: 'NOPE' }))).toEqual(['UNKNOWN_CODE']);
    expect(codes(line({ code: undefined, gtin: '00000000000000' }))).toEqual(['UNKNOWN_CODE']);
    expect(codes(line({}), ctx('2024-03-31T12:00:00Z'))).toEqual(['UNKNOWN_CODE']);
  });
});
