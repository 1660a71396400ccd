/**
 * GS1 mod-10 check digits (GTIN, GLN, SSCC, GSRN, ...): weights 3,1,3,... from the rightmost data digit.
 * In the platform because more than one service checks GS1 keys (drug-trace's scans and master data, billing's
 * pack barcodes); not in @uhr/contracts, which holds the codes the chain knows, and GS1 keys never go on-chain.
 */

function isDigits(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** The check digit for a string of data digits (without its check digit). Throws on non-digits. */
export function gs1CheckDigit(body: string): number {
  if (!isDigits(body)) throw new RangeError('gs1CheckDigit: digits only');
  let sum = 0;
  for (let i = body.length - 1, w = 3; i >= 0; i--, w = 4 - w) sum += (body.charCodeAt(i) - 48) * w;
  return (10 - (sum % 10)) % 10;
}

/** True when the digits end with their correct GS1 check digit. */
export function hasValidCheckDigit(s: string): boolean {
  return isDigits(s) && s.length >= 2 && gs1CheckDigit(s.slice(0, -1)) === s.charCodeAt(s.length - 1) - 48;
}

/** GTIN-8, -12, -13 or -14 with a correct check digit. */
export function isValidGtin(s: string): boolean {
  return (s.length === 8 || s.length === 12 || s.length === 13 || s.length === 14) && hasValidCheckDigit(s);
}

/** A GTIN of any length as its 14-digit form, or undefined when it is not a valid GTIN. */
export function normaliseGtin(s: string): string | undefined {
  return isValidGtin(s) ? s.padStart(14, '0') : undefined;
}

export function isValidGln(s: string): boolean {
  return s.length === 13 && hasValidCheckDigit(s);
}

export function isValidSscc(s: string): boolean {
  return s.length === 18 && hasValidCheckDigit(s);
}

export { isDigits };
