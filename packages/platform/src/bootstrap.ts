import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { Logger } from 'pino';
import type { PlatformConfig } from './config/config.js';
import { installEdgeChecks } from './http/edge-input.js';
import { HttpErrorFilter, validationPipe } from './http/errors.js';
import { documentIdempotency } from './http/idempotency/idempotency-openapi.js';
import type { InputLimits } from './http/input-scan.js';
import { correlationMiddleware, PinoNestLogger } from './logging/logger.js';
import { LOGGER } from './platform.module.js';

type RootModule = Parameters<typeof NestFactory.create>[0];

/** Options of a service's HTTP app (built the same way everywhere: logging, edge checks, validation, error shape, OpenAPI at /docs). */
export interface ServiceAppOptions {
  /** Largest JSON body accepted (express syntax, e.g. '10mb'); larger bodies get 413. Default '100kb'. */
  bodyLimit?: string;
  /** Deepest JSON nesting and most problems reported; default 32 levels, 10 problems. */
  inputLimits?: InputLimits;
}

export async function createServiceApp(
  root: RootModule,
  config: PlatformConfig,
  opts: ServiceAppOptions = {},
): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(root, { bufferLogs: true });
  const logger = app.get<Logger>(LOGGER);
  app.useLogger(new PinoNestLogger(logger));
  app.use(correlationMiddleware());
  // Before any DTO: text PostgreSQL cannot store, deep nesting, prototype keys → 400 naming the field.
  installEdgeChecks(app, { bodyLimit: opts.bodyLimit ?? '100kb', limits: opts.inputLimits });
  app.useGlobalPipes(validationPipe());
  app.useGlobalFilters(new HttpErrorFilter(logger));
  app.enableShutdownHooks();
  const doc = new DocumentBuilder()
    .setTitle(`UHR ${config.serviceName}`)
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
    .addSecurityRequirements('bearer')
    .build();
  SwaggerModule.setup('docs', app, () => documentIdempotency(SwaggerModule.createDocument(app, doc)));
  return app;
}

/** A service's whole main.ts: `await runService(RegistrarModule, config)`. */
export async function runService(
  root: RootModule,
  config: PlatformConfig,
  opts: ServiceAppOptions = {},
): Promise<INestApplication> {
  const app = await createServiceApp(root, config, opts);
  await app.listen(config.port, '0.0.0.0');
  app.get<Logger>(LOGGER).info({ port: config.port }, `${config.serviceName} listening`);
  return app;
}
