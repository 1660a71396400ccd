import { canonicalJson, keccakHex, keccakOfParts } from './canonical.js';
import type { IneligibleCandidate, MatchCandidate, MatchOrgan, MatchResult, RankedCandidate } from './match-types.js';
import { policyHash, type AllocationPolicy } from './policy.js';
import { candidateJson, ineligibleJson, rankedJson } from './run-encoding.js';
import { contextOf, ineligibility, scoreCandidate, type Scored } from './scoring.js';

export type * from './match-types.js';
export { kidneyPoints } from './scoring.js';

/** A candidate's content digest: Keccak-256 of its canonical JSON (kept with the candidate when it is written). */
export function candidateDigest(c: MatchCandidate): string {
  return keccakHex(candidateJson(c));
}

/**
 * What the run hashes as its inputs: the organ, the policy hash and the time, then every candidate's digest in id
 * order — two levels, so a run over a large waitlist hashes 32 bytes a candidate, and a replay that recomputes
 * each digest from the snapshot proves the same inputs.
 */
export function inputsHashOf(
  organ: MatchOrgan,
  sorted: readonly MatchCandidate[],
  policy: string,
  at: number,
  digestOf: (c: MatchCandidate, i: number) => string = candidateDigest,
) {
  function* parts() {
    yield canonicalJson({ organ, policy, at });
    for (let i = 0; i < sorted.length; i++) yield digestOf(sorted[i]!, i);
  }
  return `0x${keccakOfParts(parts())}`;
}

export interface RunOptions {
  /**
   * Where the candidates' digests come from (index = position in the candidates given): computed here by
   * default, or the ones stored with them when they were written.
   */
  readonly digestOf?: (c: MatchCandidate, index: number) => string;
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
  options: RunOptions = {},
): MatchResult {
  const order = idOrder(candidates);
  const sorted = order.map((i) => candidates[i]!);
  const pHash = policyHash(policy);
  const digestOf = options.digestOf;
  const inputsHash = inputsHashOf(organ, sorted, pHash, at, digestOf && ((c, i) => digestOf(c, order[i]!)));
  const ctx = contextOf(organ, policy, at);
  const scored: Scored[] = [];
  const ineligible: IneligibleCandidate[] = [];
  for (let i = 0; i < sorted.length; i++) {
    const c = sorted[i]!;
    const reasons = ineligibility(ctx, c);
    if (reasons.length > 0) ineligible.push({ candidateId: c.id, reasons });
    else scored.push(scoreCandidate(ctx, c, i));
  }
  scored.sort(compareScored);
  const ranked = scored.map((s, i) => ((s.entry.rank = i + 1), s.entry as RankedCandidate));
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

/** Indices of the candidates in id order. */
function idOrder(candidates: readonly MatchCandidate[]): number[] {
  const order = candidates.map((_, i) => i);
  return order.sort((a, b) => {
    const x = candidates[a]!.id;
    const y = candidates[b]!.id;
    return x < y ? -1 : x > y ? 1 : 0;
  });
}

export function resultHashOf(
  header: object,
  ranked: readonly RankedCandidate[],
  ineligible: readonly IneligibleCandidate[],
) {
  function* parts() {
    yield canonicalJson(header);
    for (const r of ranked) yield rankedJson(r);
    yield '|';
    for (const r of ineligible) yield ineligibleJson(r);
  }
  return `0x${keccakOfParts(parts())}`;
}

/** Class, then ABO tier (one integer), then score and waiting time down, then id order (the index). */
function compareScored(a: Scored, b: Scored): number {
  return a.key - b.key || b.score - a.score || b.waitingDays - a.waitingDays || a.index - b.index;
}
