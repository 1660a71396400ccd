import {
  BadRequestException,
  Injectable,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { parse as parseQuery } from 'node:querystring';
import type { Observable } from 'rxjs';
import { DEFAULT_INPUT_LIMITS, rawJsonDepth, scanInput, type InputLimits, type InputProblem } from './input-scan.js';

/**
 * Bad input refused at the edge, before any DTO sees it. It carries the status fields of an `http-errors`
 * error, so thrown from a body parser it keeps its 400.
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

type EdgeRequest = { body?: unknown; query?: unknown; params?: unknown };

/**
 * After the guards, before any pipe or handler: the parsed body, the query string and the path parameters,
 * keys and values. A caller without a valid token hears 401 first, and a route can see who sent the bad input
 * (the gatekeeper audits such a read attempt for the patient).
 */
@Injectable()
export class EdgeParamsInterceptor implements NestInterceptor {
  constructor(private readonly limits: InputLimits = DEFAULT_INPUT_LIMITS) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() === 'http') {
      const req = context.switchToHttp().getRequest<EdgeRequest>();
      const problems = [
        ...scanInput(req.body, [], this.limits),
        ...scanInput(req.query, ['query'], this.limits),
        ...scanInput(req.params, ['params'], this.limits),
      ];
      refuseIfAny(problems.slice(0, this.limits.maxProblems));
    }
    return next.handle();
  }
}

export interface EdgeOptions {
  /** Largest body accepted (e.g. '10mb', '100kb'); larger bodies get 413. */
  bodyLimit: string;
  limits?: InputLimits;
}

const UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

/** '10mb' → 10485760; a plain number is bytes. */
export function bytesOf(limit: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?$/i.exec(limit.trim());
  if (!m) throw new RangeError(`not a size: ${limit}`);
  return Math.floor(Number(m[1]) * UNITS[(m[2] ?? 'b').toLowerCase()]!);
}

type Done = (err: Error | null, body?: unknown) => void;

/** JSON bodies: nesting deeper than the limit refused before JSON.parse builds it; an empty body is `{}`. */
function jsonParser(limits: InputLimits) {
  return (_req: unknown, raw: Buffer, done: Done): void => {
    if (raw.length === 0) return done(null, {});
    if (rawJsonDepth(raw, limits.maxDepth) > limits.maxDepth) {
      return done(new EdgeInputError([{ path: '(body)', reason: `nested deeper than ${limits.maxDepth} levels` }]));
    }
    try {
      done(null, JSON.parse(raw.toString('utf8')));
    } catch (err) {
      done(new BadRequestException({ error: 'InvalidJson', message: `body is not JSON: ${(err as Error).message}` }));
    }
  };
}

/** Body parsers with the size and depth limits, then the input checks, for every route of the app. */
export function installEdgeChecks(app: NestFastifyApplication, opts: EdgeOptions): void {
  const limits = opts.limits ?? DEFAULT_INPUT_LIMITS;
  const fastify = app.getHttpAdapter().getInstance();
  const bodyLimit = bytesOf(opts.bodyLimit);
  fastify.removeContentTypeParser(['application/json', 'text/plain']);
  fastify.addContentTypeParser(
    ['application/json', 'application/ld+json'],
    { parseAs: 'buffer', bodyLimit },
    jsonParser(limits),
  );
  fastify.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit },
    (_req: unknown, raw: string | Buffer, done: Done) => done(null, parseQuery(raw.toString())),
  );
  app.useGlobalInterceptors(new EdgeParamsInterceptor(limits));
}
