import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import type { Logger } from 'pino';
import type { PlatformConfig } from './config/config.js';
import { bytesOf, installEdgeChecks } from './http/edge-input.js';
import { HttpErrorFilter, validationPipe } from './http/errors.js';
import type { InputLimits } from './http/input-scan.js';
import { serviceOpenApiDocument } from './http/openapi-document.js';
import { correlationIdOf, PinoNestLogger, withCorrelationId } from './logging/logger.js';
import { LOGGER } from './platform.module.js';

type RootModule = Parameters<typeof NestFactory.create>[0];

/** Options of a service's HTTP app (built the same way everywhere: logging, edge checks, validation, error shape, OpenAPI at /docs). */
export interface ServiceAppOptions {
  /** Largest JSON body accepted (e.g. '10mb'); larger bodies get 413. Default '100kb'. */
  bodyLimit?: string;
  /** Deepest JSON nesting and most problems reported; default 32 levels, 10 problems. */
  inputLimits?: InputLimits;
}

export async function createServiceApp(
  root: RootModule,
  config: PlatformConfig,
  opts: ServiceAppOptions = {},
): Promise<INestApplication> {
  const bodyLimit = opts.bodyLimit ?? '100kb';
  // Fastify, not Express: the per-request cost of the HTTP layer is a large share of a small request's CPU.
  const adapter = new FastifyAdapter({ bodyLimit: bytesOf(bodyLimit), routerOptions: { maxParamLength: 1024 } });
  const app = await NestFactory.create<NestFastifyApplication>(root, adapter, { bufferLogs: true, bodyParser: false });
  const logger = app.get<Logger>(LOGGER);
  app.useLogger(new PinoNestLogger(logger));
  installCorrelation(app);
  // Before any DTO: text PostgreSQL cannot store, deep nesting, prototype keys → 400 naming the field.
  installEdgeChecks(app, { bodyLimit, limits: opts.inputLimits });
  app.useGlobalPipes(validationPipe());
  app.useGlobalFilters(new HttpErrorFilter(logger));
  app.enableShutdownHooks();
  SwaggerModule.setup('docs', app, () => serviceOpenApiDocument(app, config.serviceName));
  return app;
}

type CorrelatedRequest = { headers: Record<string, string | string[] | undefined>; correlationId?: string };

/**
 * Takes `x-correlation-id` from the caller (or makes one) and echoes it back; from the route's first step on
 * (guards, handler, the events it writes) it is the current correlation id.
 */
function installCorrelation(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();
  fastify.decorateRequest('correlationId', undefined);
  fastify.addHook('onRequest', (req, reply, done) => {
    const r = req as unknown as CorrelatedRequest;
    r.correlationId = correlationIdOf(r.headers['x-correlation-id']);
    void reply.header('x-correlation-id', r.correlationId);
    done();
  });
  // After the body is read: a context entered earlier would not reach the handler across the body's stream.
  fastify.addHook('preHandler', (req, _reply, done) => {
    withCorrelationId((req as unknown as CorrelatedRequest).correlationId!, done);
  });
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
