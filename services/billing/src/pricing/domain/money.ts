import { Decimal } from 'decimal.js';

/**
 * Exact decimal arithmetic for money (decimal.js): never a JavaScript number. 40 significant digits hold any
 * NUMERIC(18,5) amount times any quantity without loss; ROUND_HALF_UP is the default only for the rare
 * operation that must round (division in interest), every money rounding names its rule explicitly below.
 */
export const Dec = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP });
export type Dec = InstanceType<typeof Dec>;

/** Digits, an optional fraction, an optional sign: what a money or quantity string may look like. */
const PLAIN_DECIMAL = /^-?\d{1,18}(\.\d{1,10})?$/;

export class AmountFormatError extends Error {
  constructor(
    readonly value: string,
    readonly rule: string,
  ) {
    super(`"${value}" is not ${rule}`);
    this.name = 'AmountFormatError';
  }
}

/** Parses a plain decimal string ("0.17935", "113950"); no exponent, no grouping, no number input. */
export function decimal(value: string): Dec {
  if (typeof value !== 'string' || !PLAIN_DECIMAL.test(value)) {
    throw new AmountFormatError(String(value), 'a plain decimal (digits, optional "." and up to 10 decimals)');
  }
  return new Dec(value);
}

/** ISO 4217 minor-unit exponents of the currencies UHR bills in. */
const MINOR_UNITS: Readonly<Record<string, number>> = { INR: 2, USD: 2, EUR: 2, BRL: 2, GBP: 2, JPY: 0, BHD: 3 };

export const isKnownCurrency = (c: string): boolean => Object.hasOwn(MINOR_UNITS, c);

export function minorUnits(currency: string): number {
  const n = MINOR_UNITS[currency];
  if (n === undefined)
    throw new AmountFormatError(currency, `a supported ISO 4217 currency (${Object.keys(MINOR_UNITS).join(', ')})`);
  return n;
}

/**
 * THE rounding rule for line totals and tax: to the currency's minor unit, half away from zero
 * (₹17.935 → ₹17.94, ₹17.934 → ₹17.93). Comparisons against a ceiling never use a rounded value.
 */
export const roundMinor = (amount: Dec, currency: string): Dec =>
  amount.toDecimalPlaces(minorUnits(currency), Dec.ROUND_HALF_UP);

/**
 * An excess (overcharge, refund, interest owed to the patient) is rounded UP to the minor unit: a charge that
 * is over the ceiling by any amount owes at least one paisa back, never "₹0.00 over".
 */
export const roundExcess = (amount: Dec, currency: string): Dec =>
  amount.toDecimalPlaces(minorUnits(currency), Dec.ROUND_UP);

/** A money string with exactly the currency's minor digits ("17.90"), as stored in hashed JSON. */
export const moneyString = (amount: Dec, currency: string): string => amount.toFixed(minorUnits(currency));

/** Any exact decimal as the shortest plain string (no exponent): "0.17935", "1.5". */
export const plain = (d: Dec): string => d.toFixed();

export const HUNDRED = new Dec(100);
