import {
  daysBetween,
  inPeriod,
  isCalendarDate,
  isTimeZone,
  localDateOf,
} from '../../../src/pricing/domain/zoned-date.js';

describe('calendar dates in the regulator zone', () => {
  it('accepts real dates only', () => {
    expect(isCalendarDate('2024-02-29')).toBe(true);
    expect(isCalendarDate('2025-02-29')).toBe(false);
    expect(isCalendarDate('2025-4-1')).toBe(false);
    expect(isTimeZone('Asia/Kolkata')).toBe(true);
    expect(isTimeZone('Asia/Nowhere')).toBe(false);
  });

  it('dates an instant where the regulator is (IST is UTC+05:30, São Paulo UTC−03:00)', () => {
    expect(localDateOf(new Date('2025-03-31T18:29:59Z'), 'Asia/Kolkata')).toBe('2025-03-31');
    expect(localDateOf(new Date('2025-03-31T18:30:00Z'), 'Asia/Kolkata')).toBe('2025-04-01');
    expect(localDateOf(new Date('2025-04-01T02:59:59Z'), 'America/Sao_Paulo')).toBe('2025-03-31');
  });

  it('counts days across a leap day, and holds [from, to)', () => {
    expect(daysBetween('2024-02-28', '2024-03-01')).toBe(2);
    expect(daysBetween('2025-02-28', '2025-03-01')).toBe(1);
    expect(inPeriod('2025-04-01', { from: '2025-04-01', to: '2026-04-01' })).toBe(true);
    expect(inPeriod('2026-04-01', { from: '2025-04-01', to: '2026-04-01' })).toBe(false);
    expect(inPeriod('2099-01-01', { from: '2025-04-01' })).toBe(true);
  });
});
