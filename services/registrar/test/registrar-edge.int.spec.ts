import { dropTestDatabase, fuzzService, openApiOf, undocumentedOperations } from '@uhr/platform/testing';
import { aPatient, startRegistrar, type RegistrarUnderTest } from './harness.js';

// The platform's edge checks, seen through the registrar booted in-process (this checkout's code): every bad
// input is a 4xx naming the field, never a 500.
let r: RegistrarUnderTest;
const database = `uhr_registrar_edge_${process.pid}`;
beforeAll(async () => {
  r = await startRegistrar(database);
});
afterAll(async () => {
  await r?.close();
  await dropTestDatabase(database);
});

const BAD_CHECKSUM = '0x70997970c51812dc3A010C7d01b50e0d17dc79C8';
const UNKNOWN_ID = '2b0c5b0e-7f57-4c4e-9a55-1f3a4c0e9d11';
const refused = (fields: Record<string, string[]>) => ({
  status: 400,
  body: { statusCode: 400, error: 'ValidationFailed', fields },
});

describe('edge: text PostgreSQL cannot store', () => {
  it('refuses a NUL in a free-text field with 400 naming it (before: a 500 from jsonb)', async () => {
    const res = await r.call('POST', `/identities/${UNKNOWN_ID}/retire`, { body: { reason: 'dece\u0000ased' } });
    expect(res).toMatchObject(refused({ reason: ['contains a NUL character'] }));
  });

  it('refuses a lone surrogate in a nested field', async () => {
    const res = await r.call('POST', '/identities', {
      body: aPatient({ identifier: { system: 'national-id', value: 'AB\ud800123' } }),
    });
    expect(res).toMatchObject(refused({ 'identifier.value': ['contains a lone UTF-16 surrogate'] }));
  });

  it('refuses a NUL in a path parameter and in a query key or value', async () => {
    expect(await r.call('GET', '/identities/by-address/0x%00')).toMatchObject(
      refused({ 'params.address': ['contains a NUL character'] }),
    );
    expect(await r.call('GET', '/identities/me?q=%00')).toMatchObject(
      refused({ 'query.q': ['contains a NUL character'] }),
    );
    expect((await r.call('GET', '/identities/me?%00=1')).status).toBe(400);
  });
});

describe('edge: structure', () => {
  it('refuses a body nested 20,000 levels deep with 400, quickly (before: a 500 from a stack overflow)', async () => {
    const started = performance.now();
    const res = await r.call('POST', '/identities', { body: '['.repeat(20_000) + ']'.repeat(20_000) });
    expect(res).toMatchObject(refused({ '(body)': ['nested deeper than 32 levels'] }));
    expect(performance.now() - started).toBeLessThan(1000);
    const objects = await r.call('POST', '/identities', { body: '{"a":'.repeat(5_000) + '1' + '}'.repeat(5_000) });
    expect(objects).toMatchObject(refused({ '(body)': ['nested deeper than 32 levels'] }));
  });

  it('answers 20,000 nested objects (past the 100 kB body limit) with 413', async () => {
    const res = await r.call('POST', '/identities', { body: '{"a":'.repeat(20_000) + '1' + '}'.repeat(20_000) });
    expect(res.status).toBe(413);
  });

  it.each(['__proto__', 'constructor', 'prototype'])('refuses a %s key anywhere with 400 naming it', async (key) => {
    const body = JSON.stringify(aPatient()).replace('"identifier":{', `"identifier":{"${key}":{"isAdmin":true},`);
    const res = await r.call('POST', '/identities', { body });
    expect(res).toMatchObject(refused({ [`identifier.${key}`]: [`"${key}" is a reserved name`] }));
  });

  it('still refuses unknown properties and keeps the body size limit (413)', async () => {
    const unknown = await r.call('POST', '/identities', { body: { ...aPatient(), isAdmin: true } });
    expect(unknown).toMatchObject(refused({ isAdmin: ['property isAdmin should not exist'] }));
    const huge = await r.call('POST', '/identities', { body: { ...aPatient(), note: 'x'.repeat(200_000) } });
    expect(huge.status).toBe(413);
  });

  it('answers non-JSON and empty bodies with 4xx', async () => {
    for (const body of ['{not json', '', 'null', '"x"']) {
      const res = await r.call('POST', '/identities', { body });
      expect([400, 422]).toContain(res.status);
    }
  });
});

describe('edge: EIP-55 addresses', () => {
  it('refuses a mixed-case address with a wrong checksum, naming the field (before: a 500 from getAddress)', async () => {
    const res = await r.call('POST', '/identities', { body: aPatient({ address: BAD_CHECKSUM }) });
    expect(res.status).toBe(400);
    expect(Object.keys(res.body.fields)).toEqual(['address']);
  });

  it('refuses it on rebind too, and accepts one-case addresses', async () => {
    const created = await r.call('POST', '/identities', {
      body: aPatient({ address: aPatient().address.toLowerCase() }),
    });
    expect(created.status).toBe(202);
    const rebind = await r.call('POST', `/identities/${created.body.id}/rebind`, {
      body: { newAddress: BAD_CHECKSUM, reason: 'lost key' },
    });
    expect(rebind.status).toBe(400);
    expect(Object.keys(rebind.body.fields)).toEqual(['newAddress']);
    const upper = '0x' + aPatient().address.slice(2).toUpperCase();
    const ok = await r.call('POST', `/identities/${created.body.id}/rebind`, {
      body: { newAddress: upper, reason: 'lost key' },
    });
    expect(ok.status).toBe(202);
  });
});

describe('edge fuzz (OpenAPI-driven) against this registrar', () => {
  it('answers every generated bad input below 500 and stays healthy', async () => {
    const report = await fuzzService({ service: 'registrar', url: r.url }, { numRuns: 80 });
    expect(report.operations).toBeGreaterThanOrEqual(9);
    expect(report.sent).toBeGreaterThan(300);
    expect(report.findings).toEqual([]);
  });
});

describe('OpenAPI: every operation of this registrar documented', () => {
  it('gives each a summary, a described success answer and, unless public, its 401; POST /identities its 202 and 409', async () => {
    const doc = await openApiOf(r.url);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/identities', '/identities/{id}/rebind', '/health']),
    );
    expect(undocumentedOperations(doc)).toEqual([]);
    expect(Object.keys(doc.paths['/identities']!.post!.responses!).sort()).toEqual([
      '202',
      '400',
      '401',
      '403',
      '409',
      '422',
      '503',
    ]);
  });
});
