import { aboVerdict, type BloodGroup, type DonorAbo } from './abo.js';
import { canonicalJson, keccakOfParts } from './canonical.js';
import { distanceNm, type GeoPoint } from './geo.js';
import { abdrMismatch, unacceptableHits, type AbdrMismatch, type HlaTyping } from './hla.js';
import {
  cpraPoints,
  drPoints,
  proximityPoints,
  qualifyingDate,
  waitingDays,
  type KidneyPointsPolicy,
} from './kidney-points.js';
import { meld3, type MeldLabs } from './meld.js';
import { policyHash, type AllocationPolicy, type KidneyCriterion, type OrganType } from './policy.js';

/** The organ as the match run sees it: clinical fields only (no donor identity). */
export interface MatchOrgan {
  readonly id: string;
  readonly type: OrganType;
  readonly abo: DonorAbo;
  readonly hla: HlaTyping;
  /** Kidneys only: 0–100. */
  readonly kdpi?: number;
  /** The procurement hospital. */
  readonly location: GeoPoint;
}

export interface MatchCandidate {
  readonly id: string;
  readonly organ: OrganType;
  readonly abo: BloodGroup;
  readonly a2Eligible: boolean;
  readonly hla: HlaTyping;
  readonly unacceptable: readonly string[];
  /** Integer 0–100. */
  readonly cpra: number;
  /** Epoch milliseconds. */
  readonly registeredAt: number;
  readonly dialysisStartAt?: number;
  readonly gfrAtMost20At?: number;
  readonly paediatric: boolean;
  readonly priorLivingDonor: boolean;
  /** Adult kidney candidates: EPTS percentile 0–100. */
  readonly epts?: number;
  readonly location: GeoPoint;
  readonly liverStatus?: '1A' | '1B';
  readonly meldLabs?: MeldLabs;
  readonly heartStatus?: 1 | 2 | 3 | 4 | 5 | 6;
}

export type IneligibleReason =
  | { readonly code: 'ORGAN_TYPE'; readonly detail: string }
  | { readonly code: 'ABO_INCOMPATIBLE'; readonly detail: string }
  | { readonly code: 'UNACCEPTABLE_ANTIGEN'; readonly antigens: readonly string[] };

export interface KidneyPoints {
  readonly waiting: number;
  readonly drMismatch: number;
  readonly cpra: number;
  readonly priorLivingDonor: number;
  readonly proximity: number;
  readonly total: number;
}

export interface RankedCandidate {
  readonly rank: number;
  readonly candidateId: string;
  readonly classId: string;
  readonly abo: 'identical' | 'compatible' | 'favoured' | 'a2-to-b';
  readonly crossmatch: 'negative';
  readonly distanceNm: number;
  readonly waitingDays: number;
  readonly mismatch?: AbdrMismatch;
  readonly points?: KidneyPoints;
  readonly meld?: number;
  readonly status?: string;
}

export interface IneligibleCandidate {
  readonly candidateId: string;
  readonly reasons: readonly IneligibleReason[];
}

export interface MatchResult {
  readonly organId: string;
  readonly organType: OrganType;
  readonly policyVersion: string;
  readonly policyHash: string;
  readonly at: number;
  /** Kidneys: the KDPI sequence used. */
  readonly sequence?: string;
  readonly inputsHash: string;
  readonly resultHash: string;
  readonly ranked: readonly RankedCandidate[];
  readonly ineligible: readonly IneligibleCandidate[];
}

const round = (x: number, digits: number) => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};
const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** What the run hashes as its inputs: the organ, the policy, the time and every candidate in id order. */
export function inputsHashOf(organ: MatchOrgan, sorted: readonly MatchCandidate[], policy: string, at: number) {
  function* parts() {
    yield canonicalJson({ organ, policy, at });
    for (const c of sorted) yield canonicalJson(c);
  }
  return `0x${keccakOfParts(parts())}`;
}

interface Scored {
  readonly entry: Omit<RankedCandidate, 'rank'>;
  readonly classIndex: number;
  readonly aboTier: number;
  readonly score: number;
}

/**
 * The match run: a pure function of (organ, candidates, policy, time). Candidates are taken in id order, so the
 * input order never matters; ties after the policy's keys fall to the candidate id.
 */
export function runMatch(
  organ: MatchOrgan,
  candidates: readonly MatchCandidate[],
  policy: AllocationPolicy,
  at: number,
): MatchResult {
  const sorted = [...candidates].sort(byId);
  const pHash = policyHash(policy);
  const inputsHash = inputsHashOf(organ, sorted, pHash, at);
  const ctx = contextOf(organ, policy, at);
  const scored: Scored[] = [];
  const ineligible: IneligibleCandidate[] = [];
  for (const c of sorted) {
    const reasons = ineligibility(ctx, c);
    if (reasons.length > 0) ineligible.push({ candidateId: c.id, reasons });
    else scored.push(score(ctx, c));
  }
  scored.sort(compareScored);
  const ranked = scored.map((s, i) => ({ rank: i + 1, ...s.entry }));
  const header = {
    organId: organ.id,
    organType: organ.type,
    policyVersion: policy.version,
    policyHash: pHash,
    at,
    sequence: ctx.sequence?.id,
    inputsHash,
  };
  const resultHash = resultHashOf(header, ranked, ineligible);
  return { ...header, resultHash, ranked, ineligible };
}

export function resultHashOf(
  header: object,
  ranked: readonly RankedCandidate[],
  ineligible: readonly IneligibleCandidate[],
) {
  function* parts() {
    yield canonicalJson(header);
    for (const r of ranked) yield canonicalJson(r);
    yield '|';
    for (const r of ineligible) yield canonicalJson(r);
  }
  return `0x${keccakOfParts(parts())}`;
}

function compareScored(a: Scored, b: Scored): number {
  return (
    a.classIndex - b.classIndex ||
    a.aboTier - b.aboTier ||
    b.score - a.score ||
    b.entry.waitingDays - a.entry.waitingDays ||
    (a.entry.candidateId < b.entry.candidateId ? -1 : a.entry.candidateId > b.entry.candidateId ? 1 : 0)
  );
}

interface RunContext {
  readonly organ: MatchOrgan;
  readonly policy: AllocationPolicy;
  readonly at: number;
  readonly sequence?: AllocationPolicy['kidney']['sequences'][number];
}

function contextOf(organ: MatchOrgan, policy: AllocationPolicy, at: number): RunContext {
  if (organ.type !== 'kidney') return { organ, policy, at };
  const kdpi = organ.kdpi ?? 100;
  const sequence = policy.kidney.sequences.find((s) => kdpi <= s.kdpiMax);
  if (!sequence) throw new RangeError(`policy ${policy.version}: no kidney sequence for KDPI ${kdpi}`);
  return { organ, policy, at, sequence };
}

function ineligibility(ctx: RunContext, c: MatchCandidate): IneligibleReason[] {
  const { organ, policy } = ctx;
  if (c.organ !== organ.type)
    return [{ code: 'ORGAN_TYPE', detail: `candidate waits for ${c.organ}, organ is ${organ.type}` }];
  const reasons: IneligibleReason[] = [];
  const abo = aboVerdict(policy.abo[organ.type], organ.abo, c.abo, c.a2Eligible);
  if (!abo.eligible)
    reasons.push({ code: 'ABO_INCOMPATIBLE', detail: `${organ.type}: donor ${organ.abo} to candidate ${c.abo}` });
  const hits = unacceptableHits(organ.hla, new Set(c.unacceptable));
  if (hits.length > 0) reasons.push({ code: 'UNACCEPTABLE_ANTIGEN', antigens: hits });
  return reasons;
}

function score(ctx: RunContext, c: MatchCandidate): Scored {
  const { organ, policy } = ctx;
  const verdict = aboVerdict(policy.abo[organ.type], organ.abo, c.abo, c.a2Eligible);
  const abo = verdict.eligible ? verdict.rule : 'compatible';
  const distance = round(distanceNm(organ.location, c.location), 1);
  const base = { candidateId: c.id, abo, crossmatch: 'negative' as const, distanceNm: distance };
  switch (organ.type) {
    case 'kidney':
      return scoreKidney(ctx, c, base);
    case 'liver':
      return scoreLiver(ctx, c, base);
    case 'heart':
      return scoreHeart(ctx, c, base);
    case 'lung':
    case 'pancreas':
    case 'intestine':
      return scoreGeneric(ctx, c, base);
  }
}

type Base = Pick<RankedCandidate, 'candidateId' | 'abo' | 'crossmatch' | 'distanceNm'>;
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

function scoreKidney(ctx: RunContext, c: MatchCandidate, base: Base): Scored {
  const k = ctx.policy.kidney;
  const mm = abdrMismatch(ctx.organ.hla, c.hla);
  const days = waitingDays(qualifyingDate(c), ctx.at);
  const points = kidneyPoints(k, c, mm, days, base.distanceNm);
  const inCircle = base.distanceNm <= k.proximity.circleNm;
  const classes = ctx.sequence!.classes;
  const classIndex = classes.findIndex(
    (cl) => (cl.scope === 'nation' || inCircle) && kidneyCriterionMet(cl.criterion, c, mm, k.epts20Max),
  );
  const entry = { ...base, classId: classes[classIndex]!.id, waitingDays: days, mismatch: mm, points };
  return { entry, classIndex, aboTier: 0, score: points.total };
}

function scoreLiver(ctx: RunContext, c: MatchCandidate, base: Base): Scored {
  const { classes, meldBounds } = ctx.policy.liver;
  const meld = c.liverStatus === undefined && c.meldLabs ? meld3(c.meldLabs, meldBounds) : undefined;
  const classIndex = classes.findIndex(
    (cl) =>
      within(base.distanceNm, cl.radiusNm) &&
      (cl.status !== undefined
        ? cl.status === c.liverStatus
        : cl.meldMin === undefined || (meld !== undefined && meld >= cl.meldMin)),
  );
  const days = waitingDays(c.registeredAt, ctx.at);
  const entry = { ...base, classId: classes[classIndex]!.id, waitingDays: days, meld, status: c.liverStatus };
  return { entry, classIndex, aboTier: tierOf(base.abo), score: meld ?? 0 };
}

function scoreHeart(ctx: RunContext, c: MatchCandidate, base: Base): Scored {
  const classes = ctx.policy.heart.classes;
  const status = c.heartStatus ?? 6;
  const classIndex = classes.findIndex((cl) => cl.statuses.includes(status) && within(base.distanceNm, cl.radiusNm));
  const days = waitingDays(c.registeredAt, ctx.at);
  const entry = { ...base, classId: classes[classIndex]!.id, waitingDays: days, status: `status${status}` };
  // In the nation class a more urgent status still ranks first.
  return { entry, classIndex, aboTier: tierOf(base.abo), score: -status };
}

function scoreGeneric(ctx: RunContext, c: MatchCandidate, base: Base): Scored {
  const classes = ctx.policy.generic.classes;
  const classIndex = classes.findIndex((cl) => within(base.distanceNm, cl.radiusNm));
  const days = waitingDays(c.registeredAt, ctx.at);
  return {
    entry: { ...base, classId: classes[classIndex]!.id, waitingDays: days },
    classIndex,
    aboTier: tierOf(base.abo),
    score: 0,
  };
}
