import type { Type } from '@nestjs/common';
import type { OpenApiDocument } from './openapi-operations.ts';

/**
 * The OpenAPI document a service built from these controllers serves at /docs-json, without servers: the
 * controllers sit in a testing module whose every dependency is an empty mock, and the document is built the way
 * createServiceApp builds it (the platform's health operations aside). For a unit test that
 * `undocumentedOperations(await openApiOfControllers([...]), [])` stays `[]`.
 */
export async function openApiOfControllers(controllers: Type[], serviceName = 'test'): Promise<OpenApiDocument> {
  // Loaded on call: jest's globalSetup loads this package's index, and needs none of Nest.
  const [{ Test }, { FastifyAdapter }, { serviceOpenApiDocument }] = await Promise.all([
    import('@nestjs/testing'),
    import('@nestjs/platform-fastify'),
    import('../http/openapi-document.ts'),
  ]);
  const moduleRef = await Test.createTestingModule({ controllers })
    .useMocker(() => ({}))
    .compile();
  const app = moduleRef.createNestApplication(new FastifyAdapter(), { logger: false });
  try {
    return serviceOpenApiDocument(app, serviceName) as unknown as OpenApiDocument;
  } finally {
    await app.close();
  }
}
