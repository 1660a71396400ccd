import { currentCorrelationId, type EventContext, type Principal } from '@uhr/platform';

export function ctxOf(p: Principal): EventContext {
  return { actor: p.subject, correlationId: currentCorrelationId() ?? 'none', occurredAt: new Date() };
}
