import type { AboRule, BloodGroup } from './abo.js';
import { canonicalHash } from './canonical.js';
import type { KidneyPointsPolicy } from './kidney-points.js';

export const ORGAN_TYPES = ['kidney', 'liver', 'heart', 'lung', 'pancreas', 'intestine'] as const;
export type OrganType = (typeof ORGAN_TYPES)[number];

/** What puts a kidney candidate in a class of the ladder. */
export type KidneyCriterion = 'cpra98' | 'zeroAbdr' | 'priorLivingDonor' | 'paediatric' | 'eptsTop20' | 'any';

export interface KidneyClass {
  readonly id: string;
  readonly criterion: KidneyCriterion;
  /** Inside the proximity circle, or anywhere (nation). */
  readonly scope: 'circle' | 'nation';
}

export interface KidneySequence {
  /** The sequence applies to donors with KDPI ≤ kdpiMax (the first that fits). */
  readonly kdpiMax: number;
  readonly id: string;
  readonly classes: readonly KidneyClass[];
}

/** A liver class: statuses 1A/1B, or a MELD floor; a radius, or null for anywhere. */
export interface LiverClass {
  readonly id: string;
  readonly status?: '1A' | '1B';
  readonly meldMin?: number;
  readonly radiusNm: number | null;
}

export interface HeartClass {
  readonly id: string;
  readonly statuses: readonly number[];
  readonly radiusNm: number | null;
}

export interface GenericClass {
  readonly id: string;
  readonly radiusNm: number | null;
}

export interface AllocationPolicy {
  readonly version: string;
  readonly abo: Readonly<Record<OrganType, AboRule>>;
  readonly kidney: KidneyPointsPolicy & {
    readonly epts20Max: number;
    readonly sequences: readonly KidneySequence[];
  };
  readonly liver: { readonly meldBounds: readonly [number, number]; readonly classes: readonly LiverClass[] };
  readonly heart: { readonly classes: readonly HeartClass[] };
  /** Lung, pancreas, intestine: circles, then ABO identical first, then waiting time. */
  readonly generic: { readonly classes: readonly GenericClass[] };
}

const STANDARD: Readonly<Record<BloodGroup, readonly BloodGroup[]>> = {
  O: ['O', 'A', 'B', 'AB'],
  A: ['A', 'AB'],
  B: ['B', 'AB'],
  AB: ['AB'],
};
const standardRule: AboRule = { compatible: STANDARD, a2ToEligibleB: false, favoured: {} };

function kidneyLadder(prefix: string, criteria: readonly KidneyCriterion[]): KidneyClass[] {
  const scopes = ['circle', 'nation'] as const;
  return scopes.flatMap((scope) =>
    criteria.map((criterion) => ({ id: `${prefix}-${criterion}-${scope}`, criterion, scope })),
  );
}

const liverCircles = (meldMin: number, radii: readonly number[]): LiverClass[] =>
  radii.map((radiusNm) => ({ id: `meld${meldMin}-${radiusNm}nm`, meldMin, radiusNm }));

/**
 * UHR's first published policy. Sources (README): OPTN Policy 8 (kidney ABO, KAS points, 250 NM circle), OPTN
 * Policy 9 (liver acuity circles), the 2018 heart statuses; figures marked (verify) in the research brief are
 * carried as they are and a new version supersedes them — a run always names the version it used.
 */
export const POLICY_2026_1: AllocationPolicy = {
  version: 'uhr-allocation-2026.1',
  abo: {
    kidney: {
      compatible: { O: ['O'], A: ['A', 'AB'], B: ['B'], AB: ['AB'] },
      a2ToEligibleB: true,
      favoured: {},
    },
    pancreas: standardRule,
    liver: { compatible: STANDARD, a2ToEligibleB: false, favoured: { O: ['B'] } },
    heart: standardRule,
    lung: standardRule,
    intestine: standardRule,
  },
  kidney: {
    waitingPointsPerDay: 1 / 365,
    drMismatchPoints: [2, 1, 0],
    priorLivingDonorPoints: 4,
    cpraSlidingScale: [
      { min: 0, points: 0 },
      { min: 20, points: 0.08 },
      { min: 30, points: 0.21 },
      { min: 40, points: 0.34 },
      { min: 50, points: 0.48 },
      { min: 60, points: 0.81 },
      { min: 70, points: 1.09 },
      { min: 75, points: 1.58 },
      { min: 80, points: 2.46 },
      { min: 85, points: 4.05 },
      { min: 90, points: 6.71 },
      { min: 95, points: 10.82 },
      { min: 96, points: 12.17 },
      { min: 97, points: 17.3 },
      { min: 98, points: 24.4 },
      { min: 99, points: 50.09 },
      { min: 100, points: 202.1 },
    ],
    proximity: { circleNm: 250, insideMaxPoints: 2, outsideMaxPoints: 4, outsideZeroNm: 2500 },
    epts20Max: 20,
    sequences: [
      {
        kdpiMax: 20,
        id: 'A',
        classes: kidneyLadder('A', ['cpra98', 'zeroAbdr', 'priorLivingDonor', 'paediatric', 'eptsTop20', 'any']),
      },
      {
        kdpiMax: 34,
        id: 'B',
        classes: kidneyLadder('B', ['cpra98', 'zeroAbdr', 'priorLivingDonor', 'paediatric', 'any']),
      },
      { kdpiMax: 85, id: 'C', classes: kidneyLadder('C', ['cpra98', 'zeroAbdr', 'priorLivingDonor', 'any']) },
      { kdpiMax: 100, id: 'D', classes: kidneyLadder('D', ['cpra98', 'zeroAbdr', 'any']) },
    ],
  },
  liver: {
    meldBounds: [6, 40],
    classes: [
      { id: 'status1A-500nm', status: '1A', radiusNm: 500 },
      { id: 'status1B-500nm', status: '1B', radiusNm: 500 },
      ...liverCircles(37, [150, 250, 500]),
      ...liverCircles(33, [150, 250, 500]),
      ...liverCircles(29, [150, 250, 500]),
      ...liverCircles(15, [150, 250]),
      { id: 'remaining', radiusNm: null },
    ],
  },
  heart: {
    classes: [
      ...[1, 2, 3, 4, 5, 6].map((s) => ({ id: `status${s}-500nm`, statuses: [s], radiusNm: 500 })),
      { id: 'nation', statuses: [1, 2, 3, 4, 5, 6], radiusNm: null },
    ],
  },
  generic: {
    classes: [
      { id: 'circle-500nm', radiusNm: 500 },
      { id: 'nation', radiusNm: null },
    ],
  },
};

/** The policy's identity on-chain: keccak-256 of its canonical JSON. */
export function policyHash(policy: AllocationPolicy): string {
  return canonicalHash(policy);
}

export const POLICIES: ReadonlyMap<string, AllocationPolicy> = new Map([[POLICY_2026_1.version, POLICY_2026_1]]);
/** The version a run uses when it names none. */
export const CURRENT_POLICY = POLICY_2026_1.version;
