import {
  Injectable,
  type CallHandler,
  type ExecutionContext,
  type INestApplication,
  type NestInterceptor,
} from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Observable } from 'rxjs';
import { DEFAULT_INPUT_LIMITS, rawJsonDepth, scanInput, type InputLimits, type InputProblem } from './input-scan.js';

/**
 * Bad input refused at the edge, before any DTO sees it. It carries the status fields of an `http-errors`
 * error, so thrown from body-parser's `verify` it keeps its 400 (and Nest hands it on as the `cause`).
 */
export class EdgeInputError extends Error {
  readonly status = 400;
  readonly statusCode = 400;
  readonly expose = true;

  constructor(readonly problems: InputProblem[]) {
    super(`request is invalid: ${problems.map((p) => `${p.path} ${p.reason}`).join('; ')}`);
    this.name = 'EdgeInputError';
  }

  /** `{ path: [reasons] }`, the shape of the ValidationPipe's `fields`. */
  fields(): Record<string, string[]> {
    // A Map, not `{}`: the path may be "constructor" or "__proto__", which a plain object already has.
    const byPath = new Map<string, string[]>();
    for (const p of this.problems) byPath.set(p.path, [...(byPath.get(p.path) ?? []), p.reason]);
    return Object.fromEntries(byPath);
  }
}

function refuseIfAny(problems: InputProblem[]): void {
  if (problems.length > 0) throw new EdgeInputError(problems);
}

/** body-parser `verify`: refuses UTF-8 JSON nested deeper than the limit before JSON.parse builds it. */
function depthVerifier(limits: InputLimits) {
  return (_req: unknown, _res: unknown, buf: Buffer, encoding: string | null): void => {
    if (encoding !== null && encoding.toLowerCase() !== 'utf-8') return; // the parsed walk still checks it
    if (rawJsonDepth(buf, limits.maxDepth) > limits.maxDepth) {
      refuseIfAny([{ path: '(body)', reason: `nested deeper than ${limits.maxDepth} levels` }]);
    }
  };
}

type EdgeRequest = { body?: unknown; query?: unknown; params?: unknown; [DEFERRED]?: EdgeInputError };
const DEFERRED = Symbol('uhr.edge-input.refusal');

/**
 * After the body parsers, before routing: the parsed body and the query string, keys and values. A refusal is
 * held on the request and raised by EdgeParamsInterceptor — after the guards, before any pipe or handler — so a
 * caller without a valid token hears 401 first, and a route can see who sent the bad input (the gatekeeper
 * audits such a read attempt for the patient).
 */
export function edgeInputMiddleware(limits: InputLimits = DEFAULT_INPUT_LIMITS) {
  return function edgeInput(req: EdgeRequest, _res: unknown, next: (err?: unknown) => void): void {
    const problems = [...scanInput(req.body, [], limits), ...scanInput(req.query, ['query'], limits)];
    if (problems.length > 0) req[DEFERRED] = new EdgeInputError(problems);
    next();
  };
}

/** Path parameters exist only once a route matched: checked here with the body's held refusal, before any pipe. */
@Injectable()
export class EdgeParamsInterceptor implements NestInterceptor {
  constructor(private readonly limits: InputLimits = DEFAULT_INPUT_LIMITS) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() === 'http') {
      const req = context.switchToHttp().getRequest<EdgeRequest>();
      const params = scanInput(req.params, ['params'], this.limits);
      const held = req[DEFERRED]?.problems ?? [];
      refuseIfAny([...params, ...held].slice(0, this.limits.maxProblems));
    }
    return next.handle();
  }
}

export interface EdgeOptions {
  /** Largest body accepted (express syntax, e.g. '10mb'); larger bodies get 413. */
  bodyLimit: string;
  limits?: InputLimits;
}

/** Body parsers with the size and depth limits, then the input checks, for every route of the app. */
export function installEdgeChecks(app: INestApplication, opts: EdgeOptions): void {
  const limits = opts.limits ?? DEFAULT_INPUT_LIMITS;
  const express = app as NestExpressApplication;
  express.useBodyParser('json', { limit: opts.bodyLimit, verify: depthVerifier(limits) });
  express.useBodyParser('urlencoded', { limit: opts.bodyLimit, extended: true });
  app.use(edgeInputMiddleware(limits));
  app.useGlobalInterceptors(new EdgeParamsInterceptor(limits));
}
