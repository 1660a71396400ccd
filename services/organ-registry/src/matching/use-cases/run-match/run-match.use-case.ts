import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InvalidRequestError, NotFoundError, type EventContext } from '@uhr/platform';
import { DonationRepository } from '../../../donation/donation.repository.js';
import { matchOrganOf } from '../../../donation/domain/organ.js';
import { CandidateRepository } from '../../../waitlist/candidate.repository.js';
import { canonicalHash } from '../../domain/canonical.js';
import { runMatch, type MatchResult } from '../../domain/match-run.js';
import { CURRENT_POLICY, POLICIES, type AllocationPolicy } from '../../domain/policy.js';
import { MatchRunRepository } from '../../match-run.repository.js';

/** What is anchored for a run: its identity and both hashes, so anyone holding the run can check it. */
export function anchoredRunHash(runId: string, r: MatchResult): string {
  const { organId, policyVersion, policyHash, at, inputsHash, resultHash } = r;
  return canonicalHash({
    fact: 'organ-registry.match-run',
    runId,
    organId,
    policyVersion,
    policyHash,
    at,
    inputsHash,
    resultHash,
  });
}

export function policyNamed(version: string | undefined): AllocationPolicy {
  const policy = POLICIES.get(version ?? CURRENT_POLICY);
  if (!policy)
    throw new InvalidRequestError('UnknownPolicy', `no policy version ${version}`, { known: [...POLICIES.keys()] });
  return policy;
}

/**
 * The organ bank runs the match for an organ: the current waitlist for its type (each candidate with the digest
 * stored when it was written), the named policy, now. The run is stored with what it read and anchored.
 */
@Injectable()
export class RunMatchUseCase {
  constructor(
    private readonly donations: DonationRepository,
    private readonly candidates: CandidateRepository,
    private readonly runs: MatchRunRepository,
  ) {}

  async execute(organId: string, policyVersion: string | undefined, ctx: EventContext) {
    const policy = policyNamed(policyVersion);
    const organ = await this.donations.organ(organId);
    if (!organ) throw new NotFoundError('OrganNotFound', `no organ ${organId}`);
    const inputs = await this.candidates.waitingFor(organ.type);
    const result = runMatch(
      matchOrganOf(organ),
      inputs.map((c) => c.candidate),
      policy,
      ctx.occurredAt.getTime(),
      { digestOf: (_, i) => inputs[i]!.digest },
    );
    const id = randomUUID();
    const ranked = new Set(result.ranked.map((r) => r.candidateId));
    const centres = [...new Set([...(await this.candidates.centresOf([...ranked])).values()])];
    const byId = [...inputs].sort((a, b) => (a.candidate.id < b.candidate.id ? -1 : 1));
    const anchoredHash = anchoredRunHash(id, result);
    const entryId = await this.runs.save(
      { id, organId, result, inputs: byId.map((c) => [c.candidate.id, c.version]), anchoredHash },
      centres,
      ctx,
    );
    return { id, anchorEntryId: entryId, anchoredHash, ...summaryOf(result) };
  }
}

export function summaryOf(r: MatchResult) {
  const { ranked, ineligible, ...header } = r;
  return { ...header, rankedCount: ranked.length, ineligibleCount: ineligible.length };
}
