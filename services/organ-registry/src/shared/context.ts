import { eventContextOf, type EventContext, type Principal } from '@uhr/platform';
import type { Clock } from './clock.js';

/** The envelope fields of a command: who, under which request, at the injected clock's time. */
export function commandContext(p: Principal, clock: Clock): EventContext {
  return eventContextOf(p, clock.now());
}

export const hasRole = (p: Principal, ...roles: string[]) => p.roles.some((r) => roles.includes(r));
