import { undocumentedOperations, type OpenApiDocument } from '../../src/testing/openapi-operations.js';

const ok = { description: 'done' };
const doc: OpenApiDocument = {
  paths: {
    '/things': {
      post: { summary: 'Add a thing', responses: { '202': ok, '401': ok } },
      get: { summary: '  ', responses: { '200': ok, '401': ok } },
    },
    '/things/{id}': {
      // Nest's invented default answer: an empty description.
      get: { summary: 'One thing', responses: { '200': { description: '' }, '401': ok } },
      patch: { summary: 'Edit a thing', responses: { '202': ok, '404': ok } },
    },
    '/health/live': { get: { summary: 'Liveness', responses: { '200': ok } } },
    '/health/ready': { get: {} },
  },
};

describe('undocumentedOperations', () => {
  it('names each operation without a summary, a described success answer or (unless public) a 401', () => {
    expect(undocumentedOperations(doc)).toEqual([
      'GET /things: no summary',
      'GET /things/{id}: no success answer described',
      'PATCH /things/{id}: no 401',
      'GET /health/ready: no summary',
      'GET /health/ready: no success answer described',
    ]);
  });

  it('asks a 401 of every operation not named public', () => {
    expect(undocumentedOperations(doc, [])).toContain('GET /health/live: no 401');
    expect(undocumentedOperations(doc, [])).toContain('GET /health/ready: no 401');
  });

  it('finds nothing in a fully documented document, and skips path-level keys that are not operations', () => {
    expect(
      undocumentedOperations({ paths: { '/things': { post: doc.paths['/things']!.post!, parameters: [] as never } } }),
    ).toEqual([]);
  });
});
