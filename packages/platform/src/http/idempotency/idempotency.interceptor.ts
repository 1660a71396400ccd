import {
  applyDecorators,
  Injectable,
  SetMetadata,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants.js';
import type { HttpAdapterHost, Reflector } from '@nestjs/core';
import { ApiExtension } from '@nestjs/swagger';
import type { Logger } from 'pino';
import { from, lastValueFrom, throwError, type Observable } from 'rxjs';
import type { Principal } from '../../auth/auth.js';
import { currentCorrelationId } from '../../logging/logger.js';
import { ConflictError, errorAnswerOf, InvalidRequestError, UnprocessableError } from '../errors.js';
import {
  fingerprintOf,
  IDEMPOTENCY_KEY_HEADER,
  IDEMPOTENT_REPLAYED_HEADER,
  isFinalOutcome,
  parseIdempotencyKey,
} from './idempotency-key.js';
import type { Claim, IdempotencyStore, KeyScope } from './idempotency-store.js';

const NO_IDEMPOTENCY = 'uhr:no-idempotency-key';
/** The OpenAPI extension the document uses to leave an opted-out operation without the header. */
export const NO_IDEMPOTENCY_EXTENSION = 'x-uhr-no-idempotency-key';
const COMMAND_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Leaves a command endpoint out of `Idempotency-Key` handling, with the reason (it is not a command, it has its
 * own client-chosen id or nonce, or its answer must never be stored, e.g. plaintext or a secret).
 */
export const NoIdempotencyKey = (reason: string) =>
  applyDecorators(SetMetadata(NO_IDEMPOTENCY, reason), ApiExtension(NO_IDEMPOTENCY_EXTENSION, reason));

/** The request as both Nest adapters (Express, Fastify) hand it over: only these fields are read. */
interface RequestLike {
  method: string;
  url: string;
  originalUrl?: string;
  headers: Record<string, string | string[] | undefined>;
  body?: unknown;
  principal?: Principal;
}

/**
 * `Idempotency-Key` on every POST/PUT/PATCH/DELETE of an authenticated caller (ADR 0019): the first attempt runs
 * and its answer is stored; a retry with the same key and payload gets that answer again (marked
 * `Idempotent-Replayed: true`), a different payload 422, a retry while the first still runs 409 with Retry-After.
 * Without the header a request runs as before. Adapter-agnostic: the status and headers go through Nest's
 * HttpAdapter, the request is read for its method, url, headers and parsed body only.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly store: IdempotencyStore,
    private readonly reflector: Reflector,
    private readonly adapterHost: HttpAdapterHost,
    private readonly logger: Logger,
  ) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (ctx.getType() !== 'http') return next.handle();
    const req = ctx.switchToHttp().getRequest<RequestLike>();
    if (!COMMAND_METHODS.has(req.method.toUpperCase()) || this.optedOut(ctx)) return next.handle();
    const key = parseIdempotencyKey(req.headers[IDEMPOTENCY_KEY_HEADER]);
    if (key === undefined || !req.principal) return next.handle();
    if (key instanceof Error) return throwError(() => new InvalidRequestError('InvalidIdempotencyKey', key.message));
    const scope: KeyScope = { principal: req.principal.subject, endpoint: endpointOf(ctx, req), key };
    return from(this.once(ctx, next, req, scope));
  }

  private optedOut(ctx: ExecutionContext): boolean {
    return this.reflector.getAllAndOverride<string>(NO_IDEMPOTENCY, [ctx.getHandler(), ctx.getClass()]) !== undefined;
  }

  private async once(ctx: ExecutionContext, next: CallHandler, req: RequestLike, scope: KeyScope): Promise<unknown> {
    const correlationId = currentCorrelationId() ?? crypto.randomUUID();
    const fingerprint = fingerprintOf({ method: req.method, url: req.originalUrl ?? req.url, body: req.body });
    const claim = await this.store.claim(scope, fingerprint, correlationId);
    if (claim.kind !== 'claimed') return this.answerTaken(ctx, claim);
    let body: unknown;
    try {
      body = await lastValueFrom(next.handle(), { defaultValue: undefined });
    } catch (err) {
      await this.settleFailure(scope, correlationId, err);
      throw err;
    }
    const status = statusOf(ctx);
    await this.store
      .finish(scope, correlationId, status, body)
      .catch((err: Error) => this.logger.warn({ err: err.message }, 'could not store an idempotent answer'));
    return body;
  }

  /** A refusal a retry would meet again is the outcome; anything else frees the key for the next attempt. */
  private async settleFailure(scope: KeyScope, correlationId: string, err: unknown): Promise<void> {
    const answer = errorAnswerOf(err, correlationId);
    const settle =
      answer && isFinalOutcome(answer.status)
        ? this.store.finish(scope, correlationId, answer.status, answer.body)
        : this.store.release(scope, correlationId);
    await settle.catch((e: Error) => this.logger.warn({ err: e.message }, 'could not settle an idempotency key'));
  }

  private answerTaken(ctx: ExecutionContext, claim: Exclude<Claim, { kind: 'claimed' }>): unknown {
    const res: unknown = ctx.switchToHttp().getResponse();
    const adapter = this.adapterHost.httpAdapter;
    if (claim.kind === 'mismatch') {
      throw new UnprocessableError(
        'IdempotencyKeyReused',
        'this Idempotency-Key was used for a different request; use a new key for a new request',
      );
    }
    if (claim.kind === 'in-flight') {
      adapter.setHeader(res, 'Retry-After', String(claim.retryAfterSeconds));
      throw new ConflictError('IdempotencyKeyInFlight', 'the first request with this Idempotency-Key is still running');
    }
    adapter.status(res, claim.status);
    adapter.setHeader(res, IDEMPOTENT_REPLAYED_HEADER, 'true');
    return claim.body;
  }
}

/** The operation, by Nest's handler (method + controller + handler name): stable whatever the adapter. */
function endpointOf(ctx: ExecutionContext, req: RequestLike): string {
  return `${req.method.toUpperCase()} ${ctx.getClass().name}.${ctx.getHandler().name}`;
}

/**
 * The status the handler answered with: what it set on the response (Express and Fastify both keep it as
 * `statusCode`), else its @HttpCode, else Nest's default (201 for POST, 200 otherwise).
 */
function statusOf(ctx: ExecutionContext): number {
  const res = ctx.switchToHttp().getResponse<{ statusCode?: unknown }>();
  if (typeof res.statusCode === 'number') return res.statusCode;
  const declared = Reflect.getMetadata(HTTP_CODE_METADATA, ctx.getHandler()) as number | undefined;
  return declared ?? (ctx.switchToHttp().getRequest<RequestLike>().method.toUpperCase() === 'POST' ? 201 : 200);
}
