import { decimal } from '../../../src/pricing/domain/money.js';
import type { LineVerdict } from '../../../src/pricing/domain/line-verdict.js';
import { decideRefund } from '../../../src/invoices/domain/refund.js';

const schedule = { versionId: 'v1', instrument: 'S.O. 412(E)' };
const ok: LineVerdict = { status: 'ACCEPTED', findings: [], net: '20.00', tax: '2.40', gross: '22.40', excess: '0.00' };
const over: LineVerdict = {
  status: 'REFUSED',
  findings: [{ code: 'ABOVE_CEILING', refusing: true, message: '', excess: '4000.00', schedule }],
  schedule,
  net: '40000.00',
  tax: '2000.00',
  gross: '42000.00',
  excess: '4000.00',
};
const reference: LineVerdict = {
  ...over,
  status: 'ACCEPTED',
  findings: [{ code: 'ABOVE_CEILING', refusing: false, message: '', excess: '33.60', schedule }],
  excess: '33.60',
};

describe('refund of an overcharge', () => {
  it('refunds the hard-cap excess with 15% simple interest from the invoice date', () => {
    // 4,000.00 × 15% × 73 days / 365 = 120.00; refund 4,120.00 on one credit-note line.
    const d = decideRefund([ok, over], new Map([['v1', decimal('15')]]), '2025-04-01', '2025-06-13', 'INR');
    expect(d).toMatchObject({ ok: true, excess: '4000.00', interest: '120.00', total: '4120.00' });
    if (d.ok)
      expect(d.lines).toEqual([expect.objectContaining({ refundsLine: 2, unitPrice: '4120.00', taxRate: '0' })]);
  });

  it('finds nothing to refund in a reference-price difference (that is the patient share)', () => {
    expect(decideRefund([ok, reference], new Map(), '2025-04-01', '2025-06-13', 'INR')).toEqual({
      ok: false,
      code: 'NoOvercharge',
    });
  });
});
