import { Dec, HUNDRED, roundExcess, type Dec as D } from './money.js';
import { daysBetween, type CalendarDate } from './zoned-date.js';

/**
 * Simple interest on an overcharge from the day it was charged to the day it is repaid (India: 15% a year under
 * s.7A of the Essential Commodities Act), over a 365-day year, rounded up to the minor unit like any excess.
 */
export function recoveryInterest(
  excess: D,
  annualRatePercent: D,
  chargedOn: CalendarDate,
  repaidOn: CalendarDate,
  currency: string,
): D {
  const days = Math.max(0, daysBetween(chargedOn, repaidOn));
  if (days === 0 || annualRatePercent.isZero()) return new Dec(0);
  return roundExcess(excess.mul(annualRatePercent).div(HUNDRED).mul(days).div(365), currency);
}

/** What a credit note refunds: the excess, and the interest where the regime charges it. */
export function refundOf(
  excess: D,
  annualRatePercent: D,
  chargedOn: CalendarDate,
  repaidOn: CalendarDate,
  currency: string,
): { excess: D; interest: D; total: D } {
  const interest = recoveryInterest(excess, annualRatePercent, chargedOn, repaidOn, currency);
  return { excess, interest, total: excess.add(interest) };
}
