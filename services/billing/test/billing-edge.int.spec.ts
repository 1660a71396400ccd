import { fuzzService } from '@uhr/platform/testing';
import { startBilling, type Billing } from './harness.js';

// Bad input of every shape the platform's fuzzer makes (OpenAPI-driven) through billing booted in-process:
// every answer below 500, the service healthy after.
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
});
