import { Inject, Injectable } from '@nestjs/common';
import { NotFoundError, type StreamAnchorer } from '@uhr/platform';
import { DonationRepository } from '../../../donation/donation.repository.js';
import { matchOrganOf } from '../../../donation/domain/organ.js';
import { FACT_ANCHORER } from '../../../shared/tokens.js';
import { CandidateRepository } from '../../../waitlist/candidate.repository.js';
import { candidateDigest, runMatch } from '../../domain/match-run.js';
import { MatchRunRepository } from '../../match-run.repository.js';
import { anchoredRunHash, policyNamed } from '../run-match/run-match.use-case.js';

/**
 * Recomputes a stored run from the candidate versions it read — every digest recomputed from content, not
 * taken from storage — under the policy it named and at the time it ran, and compares every hash, including
 * the one anchored on-chain.
 */
@Injectable()
export class ReplayMatchUseCase {
  constructor(
    private readonly runs: MatchRunRepository,
    private readonly donations: DonationRepository,
    private readonly candidates: CandidateRepository,
    @Inject(FACT_ANCHORER) private readonly anchorer: StreamAnchorer,
  ) {}

  async execute(runId: string) {
    const run = await this.runs.byId(runId);
    if (!run) throw new NotFoundError('MatchRunNotFound', `no match run ${runId}`);
    const organ = (await this.donations.organ(run.organId))!;
    const inputs = await this.candidates.versions(run.inputs);
    const altered = inputs.filter((c) => candidateDigest(c.candidate) !== c.digest).map((c) => c.candidate.id);
    const stored = run.result;
    const replay = runMatch(
      matchOrganOf(organ),
      inputs.map((c) => c.candidate),
      policyNamed(stored.policyVersion),
      stored.at,
    );
    const anchored = await this.anchorer.proofOf(run.anchorEntryId);
    const hashes = (r: typeof stored) => ({
      policyHash: r.policyHash,
      inputsHash: r.inputsHash,
      resultHash: r.resultHash,
    });
    const equal =
      altered.length === 0 &&
      inputs.length === run.inputs.length &&
      replay.inputsHash === stored.inputsHash &&
      replay.resultHash === stored.resultHash &&
      replay.policyHash === stored.policyHash &&
      anchoredRunHash(run.id, replay) === run.anchoredHash;
    return {
      runId,
      equal,
      stored: hashes(stored),
      replayed: hashes(replay),
      alteredCandidates: altered,
      anchor: {
        anchoredHash: run.anchoredHash,
        status: anchored?.status ?? 'unknown',
        verifiedOnChain: anchored?.verifiedOnChain ?? false,
        txHash: anchored?.anchorTxHash ?? null,
      },
    };
  }
}
