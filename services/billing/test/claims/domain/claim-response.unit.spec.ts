import type { LineVerdict } from '../../../src/pricing/domain/line-verdict.js';
import { claimResponseOf } from '../../../src/claims/domain/claim-response.js';

const line = (over: Partial<LineVerdict>): LineVerdict => ({
  status: 'ACCEPTED',
  findings: [],
  net: '0',
  tax: '0',
  gross: '0',
  excess: '0.00',
  ...over,
});

describe('ClaimResponse', () => {
  it('pays up to the ceiling and leaves the patient only a reference-price difference', () => {
    const r = claimResponseOf({
      claimId: 'c1',
      invoiceId: 'i1',
      patientId: 'p1',
      insurer: 'insurer-1',
      currency: 'INR',
      created: '2025-06-02T00:00:00.000Z',
      verdicts: [
        // Hard cap, within: 22.40 billed, 22.40 allowed.
        line({ gross: '22.40', allowedGross: '22.4', regime: 'HARD_CAP' }),
        // Reference price: 201.60 billed, 168.00 allowed → the patient pays 33.60.
        line({ gross: '201.60', allowedGross: '168', regime: 'REFERENCE_PRICE', excess: '33.60' }),
      ],
    });
    const codes = (adj: Array<{ category: { coding: Array<{ code: string }> }; amount: { value: number } }>) =>
      Object.fromEntries(adj.map((a) => [a.category.coding[0]!.code, a.amount.value]));
    expect(codes(r.item[0]!.adjudication)).toEqual({
      submitted: 22.4,
      eligible: 22.4,
      benefit: 22.4,
      copay: 0,
      disallowed: 0,
    });
    expect(codes(r.item[1]!.adjudication)).toEqual({
      submitted: 201.6,
      eligible: 168,
      benefit: 168,
      copay: 33.6,
      disallowed: 0,
    });
    // 22.40 + 201.60 = 224.00 submitted; 22.40 + 168.00 = 190.40 eligible.
    expect(codes(r.total)).toEqual({ submitted: 224, eligible: 190.4, benefit: 190.4, copay: 33.6, disallowed: 0 });
    expect(r).toMatchObject({
      resourceType: 'ClaimResponse',
      outcome: 'complete',
      request: { reference: 'Invoice/i1' },
    });
  });
});
