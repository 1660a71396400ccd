import { Dec, moneyString, roundMinor, type Dec as D } from './money.js';
import type { Regime } from './schedule.js';

/** One line's adjudication (FHIR ClaimResponse.item.adjudication categories: submitted, eligible, copay). */
export interface LineAdjudication {
  submitted: string;
  eligible: string;
  /** What the patient owes of the amount above the ceiling. */
  patientShare: string;
  /** What the hospital must write off (refund if paid). */
  disallowed: string;
}

/**
 * The payer pays at most the allowance. Above it, a HARD_CAP makes the hospital write the excess off (the
 * patient owes 0); a REFERENCE_PRICE leaves the difference to the patient.
 */
export function adjudicateLine(gross: D, allowedGross: D, regime: Regime, currency: string): LineAdjudication {
  const allowed = roundMinor(allowedGross, currency);
  const eligible = gross.lt(allowed) ? gross : allowed;
  const above = gross.sub(eligible);
  const share = regime === 'REFERENCE_PRICE' ? above : new Dec(0);
  return {
    submitted: moneyString(gross, currency),
    eligible: moneyString(eligible, currency),
    patientShare: moneyString(share, currency),
    disallowed: moneyString(above.sub(share), currency),
  };
}
