import { fuzzService, openApiOf, PUBLIC_HEALTH_OPERATIONS, undocumentedOperations } from '@uhr/platform/testing';
import { startBilling, type Billing } from './harness.js';

// Bad input of every shape the platform's fuzzer makes (OpenAPI-driven) through billing booted in-process:
// every answer below 500, the service healthy after; and every operation of its OpenAPI document documented.
describe('billing edge', () => {
  let b: Billing;
  beforeAll(async () => {
    b = await startBilling();
  });
  afterAll(() => b?.close());

  it('answers every generated bad input below 500', async () => {
    const users = ['regulator-1', 'provider-hospital', 'patient-alice', 'insurer-1', 'auditor-1', null];
    const report = await fuzzService({ service: 'billing', url: b.url }, { numRuns: 80, users });
    expect(report.operations).toBeGreaterThanOrEqual(12);
    expect(report.findings).toEqual([]);
  });

  it('refuses a ceiling sent as a JSON number (floats never reach the money code), naming the field', async () => {
    const res = await b.as('regulator-1')('POST', '/schedules', {
      instrument: 'S.O. 1(E)',
      timeZone: 'Asia/Kolkata',
      currency: 'INR',
      effectiveFrom: '2025-04-01',
      recoveryInterestRate: '15',
      entries: [
        {
          code: 'A',
          unit: 'TABLET',
          ceilingPerUnit: 2,
          taxInclusive: false,
          taxRate: '12',
          regime: 'HARD_CAP',
          deviceDetailsRequired: false,
        },
      ],
    });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toContain('entries.0.ceilingPerUnit');
  });

  it('documents every operation in OpenAPI (a summary, a described 2xx, a 401 unless public); issuing its 409 and 422', async () => {
    const doc = await openApiOf(b.url);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/schedules', '/invoices', '/invoices/verify', '/claims', '/health']),
    );
    // POST /invoices/verify is public, like the health probes: the QR payload's salt is the credential.
    expect(undocumentedOperations(doc, [...PUBLIC_HEALTH_OPERATIONS, 'POST /invoices/verify'])).toEqual([]);
    // 409 InvoiceAlreadyIssued (or a key in flight), 422 InvoiceRefused (or a key reused), and the rest.
    expect(Object.keys(doc.paths['/invoices/{id}/issue']!.post!.responses!).sort()).toEqual([
      '200',
      '400',
      '401',
      '403',
      '404',
      '409',
      '422',
      '503',
    ]);
  });
});
