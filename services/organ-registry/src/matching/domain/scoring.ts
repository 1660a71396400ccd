import { aboVerdict, BLOOD_GROUPS, type AboVerdict } from './abo.js';
import { distanceNm } from './geo.js';
import { abdrMismatch, unacceptableHits, type AbdrMismatch } from './hla.js';
import {
  cpraPoints,
  drPoints,
  proximityPoints,
  qualifyingDate,
  waitingDays,
  type KidneyPointsPolicy,
} from './kidney-points.js';
import type { IneligibleReason, KidneyPoints, MatchCandidate, MatchOrgan, RankedCandidate } from './match-types.js';
import { meld3 } from './meld.js';
import type { AllocationPolicy, KidneyCriterion, KidneySequence } from './policy.js';

/** A candidate's place before the final ranks: an entry whose rank is written once the list is sorted. */
export interface Scored {
  readonly entry: { -readonly [K in keyof RankedCandidate]: RankedCandidate[K] };
  /** Class index × 2 + ABO tier. */
  readonly key: number;
  readonly score: number;
  readonly waitingDays: number;
  /** Position in id order: the last tie-break. */
  readonly index: number;
}

interface AboCell {
  readonly verdict: AboVerdict;
  readonly reason?: IneligibleReason;
}

/** What a run computes once per organ: the kidney sequence and the ABO verdict for each candidate group. */
export interface RunContext {
  readonly organ: MatchOrgan;
  readonly policy: AllocationPolicy;
  readonly at: number;
  readonly sequence?: KidneySequence;
  readonly abo: ReadonlyMap<string, AboCell>;
}

const round = (x: number, digits: number) => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};

export function contextOf(organ: MatchOrgan, policy: AllocationPolicy, at: number): RunContext {
  const rule = policy.abo[organ.type];
  const abo = new Map<string, AboCell>();
  for (const group of BLOOD_GROUPS)
    for (const a2 of [false, true]) {
      const verdict = aboVerdict(rule, organ.abo, group, a2);
      const detail = `${organ.type}: donor ${organ.abo} to candidate ${group}`;
      abo.set(
        `${group}${a2}`,
        verdict.eligible ? { verdict } : { verdict, reason: { code: 'ABO_INCOMPATIBLE', detail } },
      );
    }
  if (organ.type !== 'kidney') return { organ, policy, at, abo };
  const kdpi = organ.kdpi ?? 100;
  const sequence = policy.kidney.sequences.find((s) => kdpi <= s.kdpiMax);
  if (!sequence) throw new RangeError(`policy ${policy.version}: no kidney sequence for KDPI ${kdpi}`);
  return { organ, policy, at, sequence, abo };
}

export function ineligibility(ctx: RunContext, c: MatchCandidate): readonly IneligibleReason[] {
  const { organ } = ctx;
  if (c.organ !== organ.type)
    return [{ code: 'ORGAN_TYPE', detail: `candidate waits for ${c.organ}, organ is ${organ.type}` }];
  const abo = ctx.abo.get(`${c.abo}${c.a2Eligible}`)!.reason;
  const hits = unacceptableHits(organ.hla, c.unacceptable);
  if (hits.length === 0) return abo ? [abo] : NONE;
  const crossmatch: IneligibleReason = { code: 'UNACCEPTABLE_ANTIGEN', antigens: hits };
  return abo ? [abo, crossmatch] : [crossmatch];
}
const NONE: readonly IneligibleReason[] = [];

type Base = Pick<RankedCandidate, 'candidateId' | 'abo' | 'crossmatch' | 'distanceNm'>;
type Partial = Omit<Scored, 'index' | 'entry'> & { readonly fields: Omit<RankedCandidate, keyof Base | 'rank'> };

export function scoreCandidate(ctx: RunContext, c: MatchCandidate, index: number): Scored {
  const verdict = ctx.abo.get(`${c.abo}${c.a2Eligible}`)!.verdict;
  const abo = verdict.eligible ? verdict.rule : 'compatible';
  const distance = round(distanceNm(ctx.organ.location, c.location), 1);
  const p = scoreFor(ctx, c, abo, distance);
  const entry = { rank: 0, candidateId: c.id, abo, crossmatch: 'negative' as const, distanceNm: distance, ...p.fields };
  return { entry, key: p.key, score: p.score, waitingDays: p.waitingDays, index };
}

function scoreFor(ctx: RunContext, c: MatchCandidate, abo: RankedCandidate['abo'], distance: number): Partial {
  switch (ctx.organ.type) {
    case 'kidney':
      return scoreKidney(ctx, c, distance);
    case 'liver':
      return scoreLiver(ctx, c, abo, distance);
    case 'heart':
      return scoreHeart(ctx, c, abo, distance);
    case 'lung':
    case 'pancreas':
    case 'intestine':
      return scoreGeneric(ctx, c, abo, distance);
  }
}

const within = (distance: number, radius: number | null) => radius === null || distance <= radius;
/** Identical (and the policy's favoured groups) rank before compatible within a class; kidneys have no tiers. */
const tierOf = (abo: RankedCandidate['abo']) => (abo === 'identical' || abo === 'favoured' ? 0 : 1);

export function kidneyPoints(
  p: KidneyPointsPolicy,
  c: MatchCandidate,
  mm: AbdrMismatch,
  days: number,
  distance: number,
): KidneyPoints {
  const waiting = round(days * p.waitingPointsPerDay, 6);
  const drMismatch = drPoints(p, mm.DR);
  const cpra = cpraPoints(p.cpraSlidingScale, c.cpra);
  const priorLivingDonor = c.priorLivingDonor ? p.priorLivingDonorPoints : 0;
  const proximity = round(proximityPoints(p.proximity, distance), 6);
  const total = round(waiting + drMismatch + cpra + priorLivingDonor + proximity, 6);
  return { waiting, drMismatch, cpra, priorLivingDonor, proximity, total };
}

function kidneyCriterionMet(criterion: KidneyCriterion, c: MatchCandidate, mm: AbdrMismatch, epts20Max: number) {
  switch (criterion) {
    case 'cpra98':
      return c.cpra >= 98;
    case 'zeroAbdr':
      return mm.total === 0;
    case 'priorLivingDonor':
      return c.priorLivingDonor;
    case 'paediatric':
      return c.paediatric;
    case 'eptsTop20':
      return !c.paediatric && c.epts !== undefined && c.epts <= epts20Max;
    case 'any':
      return true;
  }
}

function scoreKidney(ctx: RunContext, c: MatchCandidate, distance: number): Partial {
  const k = ctx.policy.kidney;
  const mismatch = abdrMismatch(ctx.organ.hla, c.hla);
  const days = waitingDays(qualifyingDate(c), ctx.at);
  const points = kidneyPoints(k, c, mismatch, days, distance);
  const inCircle = distance <= k.proximity.circleNm;
  const classes = ctx.sequence!.classes;
  const classIndex = classes.findIndex(
    (cl) => (cl.scope === 'nation' || inCircle) && kidneyCriterionMet(cl.criterion, c, mismatch, k.epts20Max),
  );
  const fields = { classId: classes[classIndex]!.id, waitingDays: days, mismatch, points };
  return { fields, key: classIndex * 2, score: points.total, waitingDays: days };
}

function scoreLiver(ctx: RunContext, c: MatchCandidate, abo: RankedCandidate['abo'], distance: number): Partial {
  const { classes, meldBounds } = ctx.policy.liver;
  const meld = c.liverStatus === undefined && c.meldLabs ? meld3(c.meldLabs, meldBounds) : undefined;
  const classIndex = classes.findIndex(
    (cl) =>
      within(distance, cl.radiusNm) &&
      (cl.status !== undefined
        ? cl.status === c.liverStatus
        : cl.meldMin === undefined || (meld !== undefined && meld >= cl.meldMin)),
  );
  const days = waitingDays(c.registeredAt, ctx.at);
  const fields = { classId: classes[classIndex]!.id, waitingDays: days, meld, status: c.liverStatus };
  return { fields, key: classIndex * 2 + tierOf(abo), score: meld ?? 0, waitingDays: days };
}

function scoreHeart(ctx: RunContext, c: MatchCandidate, abo: RankedCandidate['abo'], distance: number): Partial {
  const classes = ctx.policy.heart.classes;
  const status = c.heartStatus ?? 6;
  const classIndex = classes.findIndex((cl) => cl.statuses.includes(status) && within(distance, cl.radiusNm));
  const days = waitingDays(c.registeredAt, ctx.at);
  const fields = { classId: classes[classIndex]!.id, waitingDays: days, status: `status${status}` };
  // In the nation class a more urgent status still ranks first.
  return { fields, key: classIndex * 2 + tierOf(abo), score: -status, waitingDays: days };
}

function scoreGeneric(ctx: RunContext, c: MatchCandidate, abo: RankedCandidate['abo'], distance: number): Partial {
  const classes = ctx.policy.generic.classes;
  const classIndex = classes.findIndex((cl) => within(distance, cl.radiusNm));
  const days = waitingDays(c.registeredAt, ctx.at);
  return {
    fields: { classId: classes[classIndex]!.id, waitingDays: days },
    key: classIndex * 2 + tierOf(abo),
    score: 0,
    waitingDays: days,
  };
}
