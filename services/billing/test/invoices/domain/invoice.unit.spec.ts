import type { LineVerdict } from '../../../src/pricing/domain/line-verdict.js';
import { decideIssue, totalsOf, type Invoice } from '../../../src/invoices/domain/invoice.js';
import { canonicalInvoice, invoiceHash, verificationOf } from '../../../src/invoices/domain/invoice-hash.js';

const verdict = (over: Partial<LineVerdict>): LineVerdict => ({
  status: 'ACCEPTED',
  findings: [],
  net: '20.00',
  tax: '2.40',
  gross: '22.40',
  excess: '0.00',
  ...over,
});
const draft: Invoice = {
  id: '00000000-0000-4000-8000-000000000001',
  kind: 'INVOICE',
  status: 'DRAFT',
  providerSubject: 'hospital',
  patientId: '00000000-0000-4000-8000-0000000000aa',
  category: 'billing',
  currency: 'INR',
  invoicedAt: '2025-06-01T06:00:00.000Z',
  lines: [{ code: 'PARA-500', quantity: '10', unitPrice: '2.00', taxRate: '12' }],
  verdicts: null,
  credits: null,
};

describe('issuing an invoice', () => {
  it('adds the rounded line totals', () => {
    // 22.40 + 66.86 = 89.26; 2.40 + 7.16 = 9.56.
    const t = totalsOf([verdict({}), verdict({ net: '59.70', tax: '7.16', gross: '66.86' })], 'INR');
    expect(t).toEqual({ net: '79.70', tax: '9.56', gross: '89.26', excess: '0.00' });
  });

  it('refuses a draft with a refused line, naming the line and its refusing findings', () => {
    const above = { code: 'ABOVE_CEILING' as const, refusing: true, message: 'over', excess: '1.12' };
    const note = { code: 'ABOVE_CEILING' as const, refusing: false, message: 'reference price', excess: '3.00' };
    const d = decideIssue(draft, [verdict({ findings: [note] }), verdict({ status: 'REFUSED', findings: [above] })]);
    expect(d).toEqual({ ok: false, code: 'InvoiceRefused', reasons: [{ line: 2, findings: [above] }] });
  });

  it('issues a draft whose lines are accepted, and never an issued one', () => {
    expect(decideIssue(draft, [verdict({})])).toEqual({
      ok: true,
      totals: expect.objectContaining({ gross: '22.40' }),
    });
    expect(decideIssue({ ...draft, status: 'ISSUED' }, [verdict({})])).toMatchObject({
      ok: false,
      code: 'InvoiceNotDraft',
    });
  });
});

describe('invoice hash', () => {
  const totals = { net: '20.00', tax: '2.40', gross: '22.40', excess: '0.00' };
  const canonical = canonicalInvoice(draft, totals, '2025-06-01T06:01:00.000Z');

  it('hashes money as strings in a fixed order', () => {
    expect(canonical).toBe(
      '["uhr.billing.invoice.v1","00000000-0000-4000-8000-000000000001","INVOICE","","hospital",' +
        '"00000000-0000-4000-8000-0000000000aa","billing","INR","2025-06-01T06:00:00.000Z","2025-06-01T06:01:00.000Z",' +
        '[["PARA-500","","","10","2.00","12","","","",""]],["20.00","2.40","22.40","0.00"]]',
    );
  });

  it('detects a changed amount, a wrong salt, and waits for the anchor', () => {
    const h = invoiceHash(canonical, 'salt-1');
    const altered = canonical.replace('"2.00"', '"1.00"');
    expect(verificationOf(invoiceHash(altered, 'salt-1'), h, true)).toBe('HASH_MISMATCH');
    expect(verificationOf(invoiceHash(canonical, 'salt-2'), h, true)).toBe('HASH_MISMATCH');
    expect(verificationOf(invoiceHash(canonical, 'salt-1'), h, false)).toBe('PENDING_ANCHOR');
    expect(verificationOf(invoiceHash(canonical, 'salt-1'), h, true)).toBe('VALID');
  });
});
