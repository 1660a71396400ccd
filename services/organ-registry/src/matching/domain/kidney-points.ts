/** Kidney allocation points (KAS 2014, 250 NM circle since 2020) as the policy parameterises them. Pure. */
export interface CpraBand {
  /** Lowest cPRA (integer %) of the band; a band runs up to the next band's minimum. */
  readonly min: number;
  readonly points: number;
}

export interface KidneyPointsPolicy {
  /** Points per day of waiting time from the qualifying date (1/365). */
  readonly waitingPointsPerDay: number;
  /** DR mismatches (0, 1, 2) → points. */
  readonly drMismatchPoints: readonly [number, number, number];
  readonly priorLivingDonorPoints: number;
  /** Sorted by min ascending, the first band at 0. */
  readonly cpraSlidingScale: readonly CpraBand[];
  readonly proximity: ProximityPolicy;
}

export interface ProximityPolicy {
  readonly circleNm: number;
  /** At the hospital: full points, falling linearly to 0 at the circle's edge. */
  readonly insideMaxPoints: number;
  /** Just outside the circle: full points, falling linearly to 0 at outsideZeroNm. */
  readonly outsideMaxPoints: number;
  readonly outsideZeroNm: number;
}

/** The sliding-scale points for an integer cPRA 0–100. */
export function cpraPoints(scale: readonly CpraBand[], cpra: number): number {
  let points = 0;
  for (const band of scale) if (cpra >= band.min) points = band.points;
  return points;
}

const DAY_MS = 86_400_000;

/** Whole days waited from the qualifying date to the run's time (0 before the date, or without one). */
export function waitingDays(qualifyingDate: number | undefined, at: number): number {
  if (qualifyingDate === undefined || at <= qualifyingDate) return 0;
  return Math.floor((at - qualifyingDate) / DAY_MS);
}

export function drPoints(policy: KidneyPointsPolicy, drMismatches: number): number {
  return policy.drMismatchPoints[Math.min(2, drMismatches) as 0 | 1 | 2];
}

/** Proximity points: within the circle up to insideMaxPoints, beyond it up to outsideMaxPoints, linear. */
export function proximityPoints(p: ProximityPolicy, distanceNm: number): number {
  if (distanceNm <= p.circleNm) return p.insideMaxPoints * (1 - distanceNm / p.circleNm);
  if (distanceNm >= p.outsideZeroNm) return 0;
  return p.outsideMaxPoints * (1 - (distanceNm - p.circleNm) / (p.outsideZeroNm - p.circleNm));
}

/** The facts that decide when a candidate's kidney waiting time starts (OPTN KAS). */
export interface QualifyingFacts {
  readonly registeredAt: number;
  readonly dialysisStartAt?: number;
  /** When a GFR (or creatinine clearance) ≤ 20 mL/min was first documented. */
  readonly gfrAtMost20At?: number;
  readonly paediatric: boolean;
}

/**
 * Paediatric candidates wait from registration. Adults wait from the earlier of dialysis start (which may precede
 * registration) and registration with GFR ≤ 20 (the later of registration and the GFR date); neither → no time.
 */
export function qualifyingDate(f: QualifyingFacts): number | undefined {
  if (f.paediatric) return f.registeredAt;
  const byGfr = f.gfrAtMost20At === undefined ? undefined : Math.max(f.registeredAt, f.gfrAtMost20At);
  if (f.dialysisStartAt === undefined) return byGfr;
  return byGfr === undefined ? f.dialysisStartAt : Math.min(f.dialysisStartAt, byGfr);
}
