// The platform's OpenAPI-driven edge fuzzing through drug-trace (in-process, seeded master data so handlers run
// past authorisation): every generated bad input is answered below 500 and the service stays healthy.
import { fuzzService } from '@uhr/platform/testing';
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
});
