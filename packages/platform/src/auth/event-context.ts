import type { EventContext } from '../events/envelope.js';
import { currentCorrelationId } from '../logging/logger.js';
import type { Principal } from './auth.js';

/** The context of the events a caller's command produces: who, under which correlation id, when. */
export function eventContextOf(p: Principal, occurredAt = new Date()): EventContext {
  return { actor: p.subject, correlationId: currentCorrelationId() ?? 'none', occurredAt };
}
