import {
  BadRequestException,
  Catch,
  HttpException,
  ValidationPipe,
  type ArgumentsHost,
  type ExceptionFilter,
  type ValidationError,
} from '@nestjs/common';
import type { ValidatorOptions } from 'class-validator';
import type { Logger } from 'pino';
import { currentCorrelationId } from '../logging/logger.js';
import { ConcurrencyError } from '../persistence/event-store.js';
import { classifyDependencyError, DEPENDENCY_RETRY_AFTER_SECONDS } from './dependency-errors.js';
import { EdgeInputError } from './edge-input.js';
import { nestedShapeErrors } from './nested-shape.js';

/**
 * Errors a use case raises on purpose. The HTTP layer maps them to a status with the reason; anything else is
 * a bug, logged with its correlation id and answered 500 without internals.
 */
export abstract class DomainError extends Error {
  abstract readonly status: 400 | 403 | 404 | 409 | 410 | 422 | 503;
  constructor(
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = code;
  }
}
export class NotFoundError extends DomainError {
  readonly status = 404;
}
export class ConflictError extends DomainError {
  readonly status = 409;
}
export class InvalidRequestError extends DomainError {
  readonly status = 400;
}
export class ForbiddenError extends DomainError {
  readonly status = 403;
}
export class UnprocessableError extends DomainError {
  readonly status = 422;
}
/** A dependency (database, broker, storage, chain, a key holder) cannot serve now: 503 with Retry-After. */
export class DependencyUnavailableError extends DomainError {
  readonly status = 503;
}

function collectFieldErrors(errors: ValidationError[], prefix: string, out: Map<string, string[]>): void {
  for (const e of errors) {
    const path = prefix ? `${prefix}.${e.property}` : e.property;
    if (e.constraints) out.set(path, [...(out.get(path) ?? []), ...Object.values(e.constraints)]);
    if (e.children?.length) collectFieldErrors(e.children, path, out);
  }
}

/** `{ path: [reasons] }`; a Map first, so a path named "constructor" or "__proto__" is a field like any other. */
function fieldErrors(errors: ValidationError[]): Record<string, string[]> {
  const out = new Map<string, string[]>();
  collectFieldErrors(errors, '', out);
  return Object.fromEntries(out);
}

/** class-validator's checks, then the presence and shape of nested objects it lets through (nested-shape.ts). */
class PlatformValidationPipe extends ValidationPipe {
  protected override async validate(object: object, options?: ValidatorOptions): Promise<ValidationError[]> {
    const errors = await super.validate(object, options);
    return [...nestedShapeErrors(object), ...errors];
  }
}

/** 400 with `fields: { name: [reasons] }`; unknown fields are refused rather than silently dropped. */
export function validationPipe(): ValidationPipe {
  return new PlatformValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => new BadRequestException(invalidFields(fieldErrors(errors))),
  });
}

/** The body of every 400 about fields, from the ValidationPipe and the edge checks alike. */
function invalidFields(fields: Record<string, string[]>) {
  return { error: 'ValidationFailed', message: 'request is invalid', fields };
}

/** Fastify's reply (`code`/`header`/`send`), or a bare response with `status`/`setHeader`/`json`. */
type FastifyReply = {
  code(n: number): FastifyReply;
  header(name: string, value: string): unknown;
  send(b: unknown): void;
};
type BareReply = { status(n: number): BareReply; setHeader(name: string, value: string): void; json(b: unknown): void };
type Reply = FastifyReply | BareReply;

function reply(res: Reply, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if ('code' in res) {
    for (const [k, v] of Object.entries(headers)) res.header(k, v);
    res.code(status).send(body);
    return;
  }
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
  res.status(status).json(body);
}

const CLIENT_ERRORS: Record<number, string> = {
  400: 'BadRequest',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  406: 'NotAcceptable',
  413: 'PayloadTooLarge',
  414: 'UriTooLong',
  415: 'UnsupportedMediaType',
  431: 'HeadersTooLarge',
};

/** What the HTTP server itself refused before any route ran (a body too large, a media type it cannot read). */
function serverRefusal(exception: unknown): ErrorAnswer | undefined {
  const e = exception as { statusCode?: unknown; code?: unknown; message?: unknown } | null;
  if (typeof e?.statusCode !== 'number' || e.statusCode < 400 || e.statusCode > 499) return undefined;
  if (typeof e.code !== 'string' || !e.code.startsWith('FST_')) return undefined;
  const error = CLIENT_ERRORS[e.statusCode] ?? 'BadRequest';
  return { status: e.statusCode, body: { error, message: String(e.message) } };
}

export interface ErrorAnswer {
  status: number;
  body: Record<string, unknown>;
  retryAfterSeconds?: number;
}

/** The edge refusal, thrown in a handler's chain or handed on by Nest as an HttpException's cause. */
function edgeErrorOf(exception: unknown): EdgeInputError | undefined {
  if (exception instanceof EdgeInputError) return exception;
  const cause = exception instanceof HttpException ? exception.cause : undefined;
  return cause instanceof EdgeInputError ? cause : undefined;
}

function httpAnswer(exception: HttpException): ErrorAnswer {
  const body = exception.getResponse();
  return {
    status: exception.getStatus(),
    body: typeof body === 'string' ? { error: exception.name, message: body } : { error: exception.name, ...body },
  };
}

/** A dependency's outage is 503 with Retry-After, text the database refused 400; anything else is a bug. */
function dependencyAnswer(exception: unknown): ErrorAnswer | undefined {
  const failure = classifyDependencyError(exception);
  if (failure?.status === 400) return { status: 400, body: { error: 'UnstorableInput', message: failure.reason } };
  if (failure?.status !== 503) return undefined;
  return {
    status: 503,
    body: { error: 'DependencyUnavailable', message: `${failure.dependency} is unavailable; retry later` },
    retryAfterSeconds: DEPENDENCY_RETRY_AFTER_SECONDS,
  };
}

/** What the client is told about `exception`; undefined for a bug (500 without internals). */
function answerOf(exception: unknown): ErrorAnswer | undefined {
  const edge = edgeErrorOf(exception);
  if (edge) return { status: 400, body: invalidFields(edge.fields()) };
  if (exception instanceof DomainError) {
    const details = exception.details ? { details: exception.details } : {};
    return { status: exception.status, body: { error: exception.code, message: exception.message, ...details } };
  }
  if (exception instanceof ConcurrencyError) {
    return { status: 409, body: { error: 'ConcurrentModification', message: exception.message } };
  }
  if (exception instanceof HttpException) return httpAnswer(exception);
  return serverRefusal(exception) ?? dependencyAnswer(exception);
}

/**
 * The status and body the client gets for `exception` (what HttpErrorFilter sends); undefined for a bug. Every
 * 503 carries Retry-After. The idempotency interceptor stores it as a first attempt's outcome.
 */
export function errorAnswerOf(exception: unknown, correlationId = currentCorrelationId()): ErrorAnswer | undefined {
  const answer = answerOf(exception);
  if (!answer) return undefined;
  const retryAfterSeconds =
    answer.retryAfterSeconds ?? (answer.status === 503 ? DEPENDENCY_RETRY_AFTER_SECONDS : undefined);
  return { ...answer, retryAfterSeconds, body: { statusCode: answer.status, ...answer.body, correlationId } };
}

@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Reply>();
    const req = host.switchToHttp().getRequest<{ correlationId?: string } | undefined>();
    // Before a route ran (a body the parser refused) the id is on the request, not yet in the context.
    const correlationId = currentCorrelationId() ?? req?.correlationId;
    const answer = errorAnswerOf(exception, correlationId);
    if (!answer) {
      this.logger.error({ err: exception }, 'unhandled error');
      reply(res, 500, { statusCode: 500, error: 'InternalError', message: 'internal error', correlationId });
      return;
    }
    const headers: Record<string, string> = {};
    if (answer.retryAfterSeconds !== undefined) {
      this.logger.warn({ err: exception }, 'dependency unavailable');
      headers['Retry-After'] = String(answer.retryAfterSeconds);
    }
    reply(res, answer.status, answer.body, headers);
  }
}
