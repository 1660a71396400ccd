import { adjudicateLine } from '../../../src/pricing/domain/adjudication.js';
import { decimal, plain } from '../../../src/pricing/domain/money.js';
import { recoveryInterest, refundOf } from '../../../src/pricing/domain/recovery.js';

describe('recovery interest (simple, 365-day year, rounded up to the paisa)', () => {
  it('is excess × rate × days / 365', () => {
    // 1,000.00 × 15% × 73 / 365 = 30.00.
    expect(plain(recoveryInterest(decimal('1000.00'), decimal('15'), '2025-04-01', '2025-06-13', 'INR'))).toBe('30');
    // 1.12 × 15% × 60 / 365 (2 Apr → 1 Jun) = 10.08 / 365 = 0.027616… → 0.03.
    expect(plain(recoveryInterest(decimal('1.12'), decimal('15'), '2025-04-02', '2025-06-01', 'INR'))).toBe('0.03');
    // A year holding 29 Feb 2024 has 366 days: 4,000 × 0.15 × 366 / 365 = 601.6438… → 601.65.
    expect(plain(recoveryInterest(decimal('4000'), decimal('15'), '2023-03-01', '2024-03-01', 'INR'))).toBe('601.65');
  });

  it('is nothing for a same-day repayment or a regime without interest', () => {
    expect(plain(recoveryInterest(decimal('1000'), decimal('15'), '2025-04-01', '2025-04-01', 'INR'))).toBe('0');
    expect(plain(recoveryInterest(decimal('1000'), decimal('0'), '2025-04-01', '2026-04-01', 'INR'))).toBe('0');
  });

  it('adds to the excess in the refund', () => {
    const r = refundOf(decimal('1000.00'), decimal('15'), '2025-04-01', '2025-06-13', 'INR');
    expect([plain(r.excess), plain(r.interest), plain(r.total)]).toEqual(['1000', '30', '1030']);
  });
});

describe('claim adjudication', () => {
  it('gives the patient no share above a hard cap', () => {
    // Charged 23.52, allowed 22.40: eligible 22.40, the 1.12 disallowed to the hospital.
    expect(adjudicateLine(decimal('23.52'), decimal('22.4'), 'HARD_CAP', 'INR')).toEqual({
      submitted: '23.52',
      eligible: '22.40',
      patientShare: '0.00',
      disallowed: '1.12',
    });
  });

  it('leaves the difference to the patient above a reference price', () => {
    expect(adjudicateLine(decimal('201.60'), decimal('168'), 'REFERENCE_PRICE', 'INR')).toEqual({
      submitted: '201.60',
      eligible: '168.00',
      patientShare: '33.60',
      disallowed: '0.00',
    });
  });

  it('pays a charge below the allowance in full (allowance 20.0872 rounds to 20.09)', () => {
    expect(adjudicateLine(decimal('20.09'), decimal('20.0872'), 'HARD_CAP', 'INR').eligible).toBe('20.09');
  });
});
