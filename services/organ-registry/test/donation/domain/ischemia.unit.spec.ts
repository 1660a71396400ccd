import { DEFAULT_ISCHEMIA_HOURS, ischemiaClock } from '../../../src/donation/domain/ischemia.js';

const at = (hhmm: string) => Date.parse(`2026-01-01T${hhmm}:00Z`);

describe('cold-ischemia clock', () => {
  // A heart clamped at 10:00 with a 6 h limit: the limit is 16:00; warning at 75 % of 6 h = 4 h 30 → 14:30.
  const heart = { type: 'heart' as const, crossClampAt: at('10:00') };
  it.each([
    ['14:29', 'ok'],
    ['14:30', 'approaching'],
    ['15:59', 'approaching'],
    ['16:00', 'reached'],
    ['23:00', 'reached'],
  ])('heart at %s: %s', (time, stage) => {
    const clock = ischemiaClock(heart, at(time), DEFAULT_ISCHEMIA_HOURS, 0.75);
    expect(clock).toEqual({ stage, warnAt: at('14:30'), limitAt: at('16:00') });
  });

  it('a kidney clamped at 00:00 with 36 h reaches its limit at 12:00 the day after; warns at 27 h (03:00)', () => {
    const kidney = { type: 'kidney' as const, crossClampAt: at('00:00') };
    const clock = ischemiaClock(kidney, at('23:00'), DEFAULT_ISCHEMIA_HOURS, 0.75);
    expect(clock).toEqual({
      stage: 'ok',
      warnAt: Date.parse('2026-01-02T03:00:00Z'),
      limitAt: Date.parse('2026-01-02T12:00:00Z'),
    });
  });
});
