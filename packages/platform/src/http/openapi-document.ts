import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { documentIdempotency } from './idempotency/idempotency-openapi.js';

/**
 * The OpenAPI document a service serves at /docs-json: its controllers' operations, bearer auth required by
 * default, and the Idempotency-Key header (with its 409/422) on every command not opted out.
 */
export function serviceOpenApiDocument(app: INestApplication, serviceName: string): OpenAPIObject {
  const doc = new DocumentBuilder()
    .setTitle(`UHR ${serviceName}`)
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
    .addSecurityRequirements('bearer')
    .build();
  return documentIdempotency(SwaggerModule.createDocument(app, doc));
}
