import type { BloodGroup, DonorAbo } from './abo.js';
import type { GeoPoint } from './geo.js';
import type { AbdrMismatch, HlaTyping } from './hla.js';
import type { MeldLabs } from './meld.js';
import type { OrganType } from './policy.js';

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
