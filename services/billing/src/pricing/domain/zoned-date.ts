/** A calendar date "YYYY-MM-DD" (ISO 8601), as legal instruments state their effective dates. */
export type CalendarDate = string;

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isCalendarDate(s: string): boolean {
  const m = DATE.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === s;
}

export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-CA', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/**
 * The date an instant falls on in the regulator's zone: a schedule effective from 2025-04-01 in Asia/Kolkata
 * applies from 2025-03-31T18:30:00Z, not from midnight UTC.
 */
export function localDateOf(instant: Date, timeZone: string): CalendarDate {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    formatters.set(timeZone, f);
  }
  return f.format(instant);
}

/** Whole days from `from` to `to` (calendar dates; negative when `to` is earlier). */
export function daysBetween(from: CalendarDate, to: CalendarDate): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** Half-open [from, to) with `to` absent for "until superseded": the same convention as PostgreSQL's daterange. */
export interface EffectivePeriod {
  from: CalendarDate;
  to?: CalendarDate;
}

// ISO dates compare as strings.
export const inPeriod = (date: CalendarDate, p: EffectivePeriod): boolean => date >= p.from && (!p.to || date < p.to);
