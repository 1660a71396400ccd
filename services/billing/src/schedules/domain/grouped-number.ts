/**
 * Official lists write amounts with digit grouping: Indian lakh/crore ("1,13,950", "38,933.14") or Western
 * ("113,950"), sometimes with a rupee sign. Returns the plain decimal string ("113950"), or undefined when the
 * grouping is not one of the two (a misplaced comma is a typo to report, not to guess).
 */
const INDIAN = /^\d{1,2}(,\d{2})*,\d{3}$/;
const WESTERN = /^\d{1,3}(,\d{3})+$/;
const PLAIN = /^\d+$/;
const CURRENCY_MARK = /^(₹|Rs\.?|INR)\s*/i;

export function ungroup(text: string): string | undefined {
  const s = text.trim().replace(CURRENCY_MARK, '');
  const [whole = '', fraction, extra] = s.split('.');
  if (extra !== undefined || (fraction !== undefined && !/^\d+$/.test(fraction))) return undefined;
  const grouped = whole.includes(',');
  if (!(grouped ? INDIAN.test(whole) || WESTERN.test(whole) : PLAIN.test(whole))) return undefined;
  const digits = whole.replace(/,/g, '');
  return fraction === undefined ? digits : `${digits}.${fraction}`;
}
