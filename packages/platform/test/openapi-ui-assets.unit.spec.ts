// Swagger UI at /docs is served by @fastify/static, loaded by Nest at boot; if jest cannot load it (its
// dependency content-disposition is ESM only, and npm may nest it), every app under test exits at boot.
it('loads the package that serves the OpenAPI UI, with its ESM-only dependency', async () => {
  const m = await import('@fastify/static');
  expect(typeof (m as { default: unknown }).default).toBe('function');
});
