import { worstOffenders } from '../../src/analytics/analytics.controller.js';
import type { HospitalMonth } from '../../src/analytics/analytics.repository.js';

const month = (provider: string, m: string, invoices: number, flagged: number, excess: string): HospitalMonth => ({
  provider,
  month: m,
  currency: 'INR',
  invoices,
  flagged,
  overchargeRate: (flagged / invoices).toFixed(4),
  billed: '0',
  excess,
  interest: '0',
});

describe('worst offenders', () => {
  it('ranks hospitals by excess over the period, then by the share of their invoices flagged', () => {
    const worst = worstOffenders(
      [
        // A: 120.50 + 79.50 = 200.00 over 2 months, 3 of 40 invoices flagged.
        month('A', '2025-05', 10, 1, '120.50'),
        month('A', '2025-06', 30, 2, '79.50'),
        // B: 200.00 too, but 1 of 5 flagged (0.2000 > 0.0750): ahead of A on the tie.
        month('B', '2025-06', 5, 1, '200.000'),
        month('C', '2025-06', 50, 0, '0'),
      ],
      2,
    );
    expect(worst).toEqual([
      { provider: 'B', currency: 'INR', invoices: 5, flagged: 1, excess: '200.00', overchargeRate: '0.2000' },
      { provider: 'A', currency: 'INR', invoices: 40, flagged: 3, excess: '200.00', overchargeRate: '0.0750' },
    ]);
  });
});
