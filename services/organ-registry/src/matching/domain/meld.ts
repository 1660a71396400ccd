/** MELD 3.0 (Kim et al., Gastroenterology 2021) with the OPTN bounds on its inputs. Pure. */
export interface MeldLabs {
  readonly female: boolean;
  /** mg/dL */
  readonly bilirubin: number;
  /** mmol/L */
  readonly sodium: number;
  readonly inr: number;
  /** mg/dL */
  readonly creatinine: number;
  /** g/dL */
  readonly albumin: number;
  /** Two or more dialyses (or 24 h of CVVHD) in the week before the labs: creatinine is set to 3.0. */
  readonly dialysedTwiceInPastWeek: boolean;
}

/** What a lab may be and still be a human value; outside it the request is refused, not clamped. */
export const MELD_LAB_RANGES: Readonly<
  Record<'bilirubin' | 'sodium' | 'inr' | 'creatinine' | 'albumin', [number, number]>
> = {
  bilirubin: [0.1, 80],
  sodium: [100, 180],
  inr: [0.5, 20],
  creatinine: [0.1, 25],
  albumin: [0.5, 7],
};

export function meldLabProblems(labs: MeldLabs, field: string): string[] {
  return Object.entries(MELD_LAB_RANGES)
    .filter(([k, [lo, hi]]) => {
      const v = labs[k as keyof typeof MELD_LAB_RANGES];
      return !Number.isFinite(v) || v < lo || v > hi;
    })
    .map(([k, [lo, hi]]) => `${field}.${k}: outside the physiological range ${lo}–${hi}`);
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/** The bounded inputs the formula takes. */
export function boundedLabs(l: MeldLabs) {
  return {
    bili: Math.max(1, l.bilirubin),
    inr: Math.max(1, l.inr),
    cr: l.dialysedTwiceInPastWeek ? 3 : clamp(l.creatinine, 1, 3),
    na: clamp(l.sodium, 125, 137),
    alb: clamp(l.albumin, 1.5, 3.5),
  };
}

/** The unrounded MELD 3.0. */
export function meld3Raw(l: MeldLabs): number {
  const { bili, inr, cr, na, alb } = boundedLabs(l);
  const lnBili = Math.log(bili);
  const lnCr = Math.log(cr);
  return (
    1.33 * (l.female ? 1 : 0) +
    4.56 * lnBili +
    0.82 * (137 - na) -
    0.24 * (137 - na) * lnBili +
    9.09 * Math.log(inr) +
    11.14 * lnCr +
    1.85 * (3.5 - alb) -
    1.83 * (3.5 - alb) * lnCr +
    6
  );
}

/** The allocation MELD: rounded to the nearest integer, then held to the policy's bounds (6–40). */
export function meld3(l: MeldLabs, bounds: readonly [number, number] = [6, 40]): number {
  return clamp(Math.round(meld3Raw(l)), bounds[0], bounds[1]);
}
