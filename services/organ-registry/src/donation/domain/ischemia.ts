import type { OrganType } from '../../matching/domain/policy.js';

/**
 * The cold-ischemia clock: from cross-clamp to transplant. Typical maxima per organ (research brief §3: heart
 * 4–6 h, lung 4–6 (8) h, liver 8–12 h, pancreas 12–18 h, intestine 6–12 h, kidney 24–36 h) are configuration.
 * Pure.
 */
export type IschemiaLimits = Readonly<Record<OrganType, number>>;
export const DEFAULT_ISCHEMIA_HOURS: IschemiaLimits = {
  heart: 6,
  lung: 8,
  liver: 12,
  pancreas: 18,
  intestine: 12,
  kidney: 36,
};

export type IschemiaStage = 'ok' | 'approaching' | 'reached';

export interface IschemiaClock {
  readonly stage: IschemiaStage;
  readonly warnAt: number;
  readonly limitAt: number;
}

const HOUR = 3_600_000;

/** Where the clock stands at `now`: approaching from `warnFraction` of the limit, reached at the limit. */
export function ischemiaClock(
  organ: { type: OrganType; crossClampAt: number },
  now: number,
  limits: IschemiaLimits,
  warnFraction: number,
): IschemiaClock {
  const limitMs = limits[organ.type] * HOUR;
  const warnAt = organ.crossClampAt + Math.round(limitMs * warnFraction);
  const limitAt = organ.crossClampAt + limitMs;
  const stage: IschemiaStage = now >= limitAt ? 'reached' : now >= warnAt ? 'approaching' : 'ok';
  return { stage, warnAt, limitAt };
}
