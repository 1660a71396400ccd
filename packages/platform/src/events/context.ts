import type { Principal } from '../auth/auth.js';
import { currentCorrelationId } from '../logging/logger.js';
import type { EventContext } from './envelope.js';

/** The context of a command a caller sent over HTTP: who, under which correlation id, when. */
export function eventContextOf(p: Principal, occurredAt: Date = new Date()): EventContext {
  return { actor: p.subject, correlationId: currentCorrelationId() ?? 'none', occurredAt };
}
