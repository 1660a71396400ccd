import { BLOOD_GROUPS } from '../../matching/domain/abo.js';
import { canonicalJson } from '../../matching/domain/canonical.js';
import { antigenListProblems, typingProblems } from '../../matching/domain/hla.js';
import { candidateDigest, type MatchCandidate } from '../../matching/domain/match-run.js';
import { meldLabProblems } from '../../matching/domain/meld.js';
import { ORGAN_TYPES } from '../../matching/domain/policy.js';

/**
 * A waitlisted candidate: the clinical fields the match run reads (MatchCandidate) and the transplant centre
 * that listed it (a Keycloak subject; the only party besides the organ bank and auditors who may read it).
 */
export interface CandidateState {
  readonly exists: boolean;
  readonly centre: string;
  readonly candidate?: MatchCandidate;
}
export const initialCandidate: CandidateState = { exists: false, centre: '' };

export type CandidateEvent =
  | {
      type: 'organ-registry.CandidateListed';
      version: 1;
      payload: { candidate: MatchCandidate; centre: string; digest: string };
    }
  | {
      type: 'organ-registry.CandidateUpdated';
      version: 1;
      payload: { candidate: MatchCandidate; digest: string; changed: string[] };
    };

export type CandidateCommand =
  | { type: 'ListCandidate'; candidate: MatchCandidate; centre: string }
  | { type: 'UpdateCandidate'; candidate: MatchCandidate };

export class CandidateRefusal extends Error {
  constructor(
    readonly code: 'CandidateExists' | 'CandidateNotFound' | 'InvalidCandidate' | 'NothingChanged',
    message: string,
    readonly problems: readonly string[] = [],
  ) {
    super(message);
  }
}

/** Every rule a candidate's fields break, each naming the field ("cpra: an integer 0–100"). */
export function candidateProblems(c: MatchCandidate, now: number): string[] {
  const problems = [...typingProblems(c.hla, 'hla'), ...antigenListProblems(c.unacceptable, 'unacceptable')];
  if (!ORGAN_TYPES.includes(c.organ)) problems.push(`organ: one of ${ORGAN_TYPES.join(', ')}`);
  if (!BLOOD_GROUPS.includes(c.abo)) problems.push(`abo: one of ${BLOOD_GROUPS.join(', ')}`);
  if (!Number.isInteger(c.cpra) || c.cpra < 0 || c.cpra > 100) problems.push('cpra: an integer 0–100');
  if (c.epts !== undefined && (!Number.isInteger(c.epts) || c.epts < 0 || c.epts > 100))
    problems.push('epts: an integer percentile 0–100');
  for (const [field, at] of [
    ['registeredAt', c.registeredAt],
    ['dialysisStartAt', c.dialysisStartAt],
    ['gfrAtMost20At', c.gfrAtMost20At],
  ] as const)
    if (at !== undefined && at > now) problems.push(`${field}: in the future`);
  if (c.liverStatus !== undefined && c.organ !== 'liver') problems.push('liverStatus: liver candidates only');
  if (c.meldLabs !== undefined) {
    if (c.organ !== 'liver') problems.push('meldLabs: liver candidates only');
    problems.push(...meldLabProblems(c.meldLabs, 'meldLabs'));
  }
  if (c.heartStatus !== undefined && c.organ !== 'heart') problems.push('heartStatus: heart candidates only');
  return problems;
}

const FIELDS = (c: MatchCandidate) => Object.keys(c) as (keyof MatchCandidate)[];

/** The fields whose canonical value differs: what an update's audit entry names. */
function changedFields(before: MatchCandidate, after: MatchCandidate): string[] {
  const keys = [...new Set([...FIELDS(before), ...FIELDS(after)])].sort();
  return keys.filter((k) => canonicalJson(before[k] ?? null) !== canonicalJson(after[k] ?? null));
}

export function decide(cmd: CandidateCommand, state: CandidateState, now: number): CandidateEvent[] {
  const problems = candidateProblems(cmd.candidate, now);
  if (problems.length > 0) throw new CandidateRefusal('InvalidCandidate', problems.join('; '), problems);
  const digest = candidateDigest(cmd.candidate);
  switch (cmd.type) {
    case 'ListCandidate':
      if (state.exists) throw new CandidateRefusal('CandidateExists', `candidate ${cmd.candidate.id} is listed`);
      return [
        {
          type: 'organ-registry.CandidateListed',
          version: 1,
          payload: { candidate: cmd.candidate, centre: cmd.centre, digest },
        },
      ];
    case 'UpdateCandidate': {
      if (!state.exists || !state.candidate)
        throw new CandidateRefusal('CandidateNotFound', `no candidate ${cmd.candidate.id}`);
      const changed = changedFields(state.candidate, cmd.candidate);
      if (changed.length === 0) throw new CandidateRefusal('NothingChanged', 'the update changes no field');
      return [
        { type: 'organ-registry.CandidateUpdated', version: 1, payload: { candidate: cmd.candidate, digest, changed } },
      ];
    }
  }
}

export function evolve(state: CandidateState, e: CandidateEvent): CandidateState {
  switch (e.type) {
    case 'organ-registry.CandidateListed':
      return { exists: true, centre: e.payload.centre, candidate: e.payload.candidate };
    case 'organ-registry.CandidateUpdated':
      return { ...state, candidate: e.payload.candidate };
  }
}
