import { attacksOn } from '../../src/testing/edge-fuzz.js';
import { operationsOf, type OpenApiDocument } from '../../src/testing/openapi-operations.js';

const doc: OpenApiDocument = {
  paths: {
    '/things/{id}': {
      post: {
        parameters: [{ name: 'id', in: 'path' }],
        requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/ThingDto' } } } },
      },
      get: {
        parameters: [
          { name: 'id', in: 'path' },
          { name: 'limit', in: 'query' },
        ],
      },
    },
    '/things/read-all': { post: {} },
  },
  components: {
    schemas: {
      ThingDto: {
        type: 'object',
        properties: {
          kind: { type: 'string', enum: ['a', 'b'] },
          owner: { allOf: [{ $ref: '#/components/schemas/OwnerDto' }] },
          tags: { type: 'array', items: { type: 'string' } },
        },
      },
      OwnerDto: { type: 'object', properties: { address: { type: 'string', example: '0xabc' } } },
    },
  },
};

describe('edge fuzzer: operations from an OpenAPI document', () => {
  const ops = operationsOf(doc);
  const byKey = (m: string, p: string) => ops.find((o) => o.method === m && o.path === p)!;

  it('reads parameters and builds a body sample through $ref, allOf, enum and example', () => {
    const post = byKey('POST', '/things/{id}');
    expect(post).toMatchObject({ pathParams: ['id'], hasBody: true });
    expect(post.body).toEqual({ kind: 'a', owner: { address: '0xabc' }, tags: ['sample text'] });
    expect(byKey('GET', '/things/{id}').queryParams).toEqual(['limit']);
  });

  it('attacks every string of a body, its structure and its path parameter', () => {
    const attacks = attacksOn(byKey('POST', '/things/{id}'));
    const bodies = attacks.map((a) => (typeof a.body === 'string' ? a.body : ''));
    expect(bodies.some((b) => b.includes('"address":"a\\u0000b"') || b.includes('"kind":"a\\u0000b"'))).toBe(true);
    expect(bodies.some((b) => b.startsWith('{"__proto__":{"isAdmin":true},"kind"'))).toBe(true);
    expect(bodies.some((b) => b.length === 40_000 && b.startsWith('[[['))).toBe(true);
    expect(bodies.some((b) => b.includes('\\ud800'))).toBe(true);
    expect(attacks.some((a) => a.path.startsWith('/things/%00'))).toBe(true);
  });

  it('sends a state-changing call without a body only queries the edge must refuse', () => {
    const paths = attacksOn(byKey('POST', '/things/read-all')).map((a) => a.path);
    expect(paths).toEqual(['/things/read-all?%00=1', '/things/read-all?a%00b=1', '/things/read-all?__proto__=1']);
  });
});
