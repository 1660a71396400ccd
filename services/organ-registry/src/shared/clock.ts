/** The time, injected: offers, ischemia clocks and match runs read it here so tests can hold it still. */
export interface Clock {
  now(): Date;
}
export const CLOCK = Symbol('CLOCK');
export const systemClock: Clock = { now: () => new Date() };
