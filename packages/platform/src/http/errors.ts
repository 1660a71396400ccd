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

type Reply = { status(n: number): Reply; setHeader(name: string, value: string): void; json(b: unknown): void };

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
  return dependencyAnswer(exception);
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
    const correlationId = currentCorrelationId();
    const answer = errorAnswerOf(exception, correlationId);
    if (!answer) {
      this.logger.error({ err: exception }, 'unhandled error');
      res.status(500).json({ statusCode: 500, error: 'InternalError', message: 'internal error', correlationId });
      return;
    }
    if (answer.retryAfterSeconds !== undefined) {
      this.logger.warn({ err: exception }, 'dependency unavailable');
      res.setHeader('Retry-After', String(answer.retryAfterSeconds));
    }
    res.status(answer.status).json(answer.body);
  }
}
