/** GS1 YYMMDD dates (General Specifications 7.12): the century rule and DD=00 as the month's last day. */

function twoDigits(s: string, at: number): number {
  return (s.charCodeAt(at) - 48) * 10 + (s.charCodeAt(at + 1) - 48);
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** The four-digit year of a two-digit YY relative to a reference year (51 ahead or more → previous century). */
export function centuryYear(yy: number, referenceYear: number): number {
  const century = referenceYear - (referenceYear % 100);
  const diff = yy - (referenceYear % 100);
  if (diff >= 51) return century - 100 + yy;
  if (diff <= -50) return century + 100 + yy;
  return century + yy;
}

/**
 * YYMMDD (six digits, already checked numeric) as YYYY-MM-DD, or undefined when it is not a date.
 * With zeroDay, DD=00 means the last day of that month (AI 11, 13, 15, 16, 17).
 */
export function resolveYymmdd(v: string, at: number, zeroDay: boolean, referenceYear: number): string | undefined {
  const year = centuryYear(twoDigits(v, at), referenceYear);
  const month = twoDigits(v, at + 2);
  let day = twoDigits(v, at + 4);
  if (month < 1 || month > 12) return undefined;
  const last = daysInMonth(year, month);
  if (day === 0 && zeroDay) day = last;
  if (day < 1 || day > last) return undefined;
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** HHMM (four digits, already checked numeric) is a time of day. */
export function isHhmm(v: string, at: number): boolean {
  return twoDigits(v, at) <= 23 && twoDigits(v, at + 2) <= 59;
}

/** YYYY-MM-DD back to the YYMMDD of an AI. */
export function toYymmdd(iso: string): string {
  return iso.slice(2, 4) + iso.slice(5, 7) + iso.slice(8, 10);
}
