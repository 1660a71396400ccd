// Worked MELD 3.0 lab sets for the tests (their scores are computed by hand in meld.unit.spec.ts).
import type { MeldLabs } from '../src/matching/domain/meld.js';

/** Every input at its neutral bound: scores exactly 6. */
export const NORMAL_LABS: MeldLabs = {
  female: false,
  bilirubin: 1,
  sodium: 137,
  inr: 1,
  creatinine: 1,
  albumin: 3.5,
  dialysedTwiceInPastWeek: false,
};
/** Female, bili 2.0, Na 130, INR 1.5, Cr 1.2, albumin 3.0: 21.541183 → 22. */
export const MELD_22_LABS: MeldLabs = {
  ...NORMAL_LABS,
  female: true,
  bilirubin: 2,
  sodium: 130,
  inr: 1.5,
  creatinine: 1.2,
  albumin: 3,
};
/** Male, every input past a bound (bili 0.5, INR 0.9, Cr 4.5, Na 120, albumin 1.0): 27.757618 → 28. */
export const MELD_28_LABS: MeldLabs = {
  ...NORMAL_LABS,
  bilirubin: 0.5,
  inr: 0.9,
  creatinine: 4.5,
  sodium: 120,
  albumin: 1,
};
/** Female, bili 30, Na 125, INR 3.5, Cr 3, albumin 1.5: 46.189245 → capped at 40. */
export const MELD_40_LABS: MeldLabs = {
  female: true,
  bilirubin: 30,
  sodium: 125,
  inr: 3.5,
  creatinine: 3,
  albumin: 1.5,
  dialysedTwiceInPastWeek: false,
};
