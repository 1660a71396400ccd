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

/** Express middleware: takes `x-correlation-id` from the caller (or makes one) and echoes it back. */
export function correlationMiddleware() {
  return (
    req: { headers: Record<string, string | string[] | undefined> },
    res: { setHeader(name: string, value: string): void },
    next: () => void,
  ) => {
    const given = req.headers['x-correlation-id'];
    const id = typeof given === 'string' && /^[\w.-]{1,100}$/.test(given) ? given : randomUUID();
    res.setHeader('x-correlation-id', id);
    als.run({ correlationId: id }, next);
  };
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
