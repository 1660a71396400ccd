/** The one source of "now" for rules that depend on time (quiet hours, digests); tests inject a fixed clock. */
export const CLOCK = Symbol('CLOCK');
export interface Clock {
  now(): Date;
}
export const systemClock: Clock = { now: () => new Date() };
