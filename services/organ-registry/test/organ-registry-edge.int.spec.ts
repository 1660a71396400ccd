// The platform's edge checks through the organ registry booted in-process: every generated bad input to every
// operation of its OpenAPI document (as each role, and without a token) is answered below 500; and every operation
// of that document is documented.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { fuzzService, openApiOf, PUBLIC_HEALTH_OPERATIONS, undocumentedOperations } from '@uhr/platform/testing';
import { startRegistry, type Registry } from './harness.js';

let r: Registry;

beforeAll(async () => {
  r = await startRegistry();
}, 90_000);

afterAll(async () => {
  await r?.close();
});

describe('organ-registry edge', () => {
  it('answers every generated bad input below 500 (OpenAPI-driven) and stays healthy', async () => {
    const users = ['organbank-1', 'provider-hospital', 'auditor-1', null];
    const report = await fuzzService({ service: 'organ-registry', url: r.url }, { users, numRuns: 80 });
    expect(report.operations).toBeGreaterThanOrEqual(25);
    expect(report.findings).toEqual([]);
  });

  it('refuses malformed clinical input with the rule, not a 500', async () => {
    const bank = await r.as('organbank-1');
    const hospital = await r.as('provider-hospital');
    const organ = await bank('POST', '/organs', { donorId: 'DN-ABCDEFGH23', type: 'spleen' });
    expect(organ.status).toBe(400);
    const hla = await hospital('POST', '/candidates', {
      id: 'edge-1',
      organ: 'kidney',
      abo: 'A',
      hla: { A: ['A1', 'A2', 'A3'], XY: ['X1'] },
      cpra: 0,
      registeredAt: '2025-01-01T00:00:00Z',
      paediatric: false,
      priorLivingDonor: false,
      location: { lat: 40, lon: -75 },
    });
    expect(hla.status).toBe(400);
    expect(Object.keys(hla.body.fields).sort()).toEqual(['hla.A', 'hla.XY']);
    const run = await bank('POST', '/match-runs', { organId: 'OR-ABCDEFGH23', policyVersion: 'nope' });
    expect(run).toMatchObject({ status: 400, body: { error: 'UnknownPolicy' } });
  });
});

describe('OpenAPI: every operation of the organ registry documented', () => {
  it('gives each a summary, a described success answer and, unless public, its 401; the transplant its 200 and 422', async () => {
    const doc = await openApiOf(r.url);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/candidates', '/donors', '/match-runs', '/policies/{version}', '/health']),
    );
    // GET /policies/{version} is public, like the health probes: anyone may replay a run.
    expect(undocumentedOperations(doc, [...PUBLIC_HEALTH_OPERATIONS, 'GET /policies/{version}'])).toEqual([]);
    // 409 CustodyBlocked (or a key in flight), 422 OFF_LIST_TRANSPLANT (or a key reused), and the rest.
    expect(Object.keys(doc.paths['/allocations/{id}/transplant']!.post!.responses!).sort()).toEqual([
      '200',
      '400',
      '401',
      '403',
      '409',
      '422',
      '503',
    ]);
  });
});
