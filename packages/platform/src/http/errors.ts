import {
  BadRequestException,
  Catch,
  HttpException,
  ValidationPipe,
  type ArgumentsHost,
  type ExceptionFilter,
  type ValidationError,
} from '@nestjs/common';
import type { Logger } from 'pino';
import { currentCorrelationId } from '../logging/logger.js';
import { ConcurrencyError } from '../persistence/event-store.js';

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

function fieldErrors(errors: ValidationError[], prefix = ''): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const e of errors) {
    const path = prefix ? `${prefix}.${e.property}` : e.property;
    if (e.constraints) out[path] = Object.values(e.constraints);
    if (e.children?.length) Object.assign(out, fieldErrors(e.children, path));
  }
  return out;
}

/** 400 with `fields: { name: [reasons] }`; unknown fields are refused rather than silently dropped. */
export function validationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) =>
      new BadRequestException({
        error: 'ValidationFailed',
        message: 'request is invalid',
        fields: fieldErrors(errors),
      }),
  });
}

@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<{ status(n: number): { json(b: unknown): void } }>();
    const correlationId = currentCorrelationId();
    if (exception instanceof DomainError) {
      res.status(exception.status).json({
        statusCode: exception.status,
        error: exception.code,
        message: exception.message,
        ...(exception.details ? { details: exception.details } : {}),
        correlationId,
      });
      return;
    }
    if (exception instanceof ConcurrencyError) {
      res
        .status(409)
        .json({ statusCode: 409, error: 'ConcurrentModification', message: exception.message, correlationId });
      return;
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const body = exception.getResponse();
      const shaped =
        typeof body === 'string'
          ? { statusCode: status, error: exception.name, message: body }
          : { statusCode: status, error: exception.name, ...(body as object) };
      res.status(status).json({ ...shaped, correlationId });
      return;
    }
    this.logger.error({ err: exception }, 'unhandled error');
    res.status(500).json({ statusCode: 500, error: 'InternalError', message: 'internal error', correlationId });
  }
}
