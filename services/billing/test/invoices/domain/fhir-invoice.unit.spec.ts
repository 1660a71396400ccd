import { fhirInvoiceOf } from '../../../src/invoices/domain/fhir-invoice.js';

describe('FHIR Invoice', () => {
  it('carries each line billed net and tax, its citation, and the totals', () => {
    const r = fhirInvoiceOf({
      id: 'i1',
      kind: 'INVOICE',
      status: 'ISSUED',
      providerSubject: 'hospital',
      patientId: 'p1',
      category: 'billing',
      currency: 'INR',
      invoicedAt: '2025-06-01T05:00:00.000Z',
      lines: [{ gtin: '08901234567890', quantity: '3', unitPrice: '19.90', taxRate: '12' }],
      verdicts: [
        {
          status: 'ACCEPTED',
          findings: [],
          schedule: { versionId: 'v', instrument: 'S.O. 1488(E)' },
          net: '59.70',
          tax: '7.16',
          gross: '66.86',
          excess: '0.00',
        },
      ],
      credits: null,
      totals: { net: '59.70', tax: '7.16', gross: '66.86', excess: '0.00' },
      issuedAt: '2025-06-01T05:01:00.000Z',
    });
    expect(r).toMatchObject({
      resourceType: 'Invoice',
      status: 'issued',
      totalNet: { value: 59.7, currency: 'INR' },
      totalGross: { value: 66.86, currency: 'INR' },
      lineItem: [
        {
          sequence: 1,
          chargeItemCodeableConcept: { coding: [{ code: '08901234567890' }], text: 'ACCEPTED under S.O. 1488(E)' },
          priceComponent: [
            { type: 'base', amount: { value: 59.7 } },
            { type: 'tax', amount: { value: 7.16 } },
          ],
        },
      ],
    });
  });
});
