import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { LoggerService } from '@nestjs/common';
import { pino, type Logger } from 'pino';

interface RequestContext {
  correlationId: string;
}
const als = new AsyncLocalStorage<RequestContext>();

export function currentCorrelationId(): string | undefined {
  return als.getStore()?.correlationId;
}

export function createLogger(service: string, level: string): Logger {
  return pino({
    level,
    base: { service },
    mixin: () => {
      const id = currentCorrelationId();
      return id ? { correlationId: id } : {};
    },
    timestamp: pino.stdTimeFunctions.isoTime,
  });
}

/** The caller's `x-correlation-id` when it is a plain token, or a fresh one. */
export function correlationIdOf(given: string | string[] | undefined): string {
  return typeof given === 'string' && /^[\w.-]{1,100}$/.test(given) ? given : randomUUID();
}

/** Runs `next` (the rest of a request's handling) with `correlationId` as the current one. */
export function withCorrelationId(correlationId: string, next: () => void): void {
  als.run({ correlationId }, next);
}

/** Nest's logger interface over pino, so framework messages land in the same structured log. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}
  log(message: unknown, context?: string) {
    this.logger.info({ context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string) {
    this.logger.error({ context, trace }, String(message));
  }
  warn(message: unknown, context?: string) {
    this.logger.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string) {
    this.logger.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string) {
    this.logger.trace({ context }, String(message));
  }
}
