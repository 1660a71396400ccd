// The platform's OpenAPI-driven edge fuzzing through drug-trace (in-process, seeded master data so handlers run
// past authorisation): every generated bad input is answered below 500 and the service stays healthy; and every
// operation of its OpenAPI document is documented.
import { fuzzService, openApiOf, undocumentedOperations } from '@uhr/platform/testing';
import { seedMasterData, startDrugTrace, type App } from './harness.js';

describe('drug-trace edge (integration)', () => {
  let h: App;
  beforeAll(async () => {
    h = await startDrugTrace({ LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent' });
    await seedMasterData(h);
  });
  afterAll(() => h?.close());

  it('answers every generated bad input below 500 (OpenAPI-driven) and stays healthy', async () => {
    const users = ['admin-1', 'manufacturer-1', 'distributor-1', 'pharmacist-1', 'auditor-1', null];
    const report = await fuzzService({ service: 'drug-trace', url: h.url }, { users, numRuns: 80 });
    expect(report.operations).toBeGreaterThanOrEqual(20);
    expect(report.findings).toEqual([]);
  });

  it('documents every operation in OpenAPI (a summary, a described 2xx, its 401); POST /capture its 202, 413 and 422', async () => {
    const doc = await openApiOf(h.url);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/capture', '/events', '/verify', '/01/{gtin}/10/{lot}/21/{serial}', '/health']),
    );
    // Every operation needs a login, the VRS responder included: only the health probes are public.
    expect(undocumentedOperations(doc)).toEqual([]);
    expect(Object.keys(doc.paths['/capture']!.post!.responses!).sort()).toEqual([
      '202',
      '400',
      '401',
      '403',
      '409',
      '413',
      '422',
      '503',
    ]);
  });
});
