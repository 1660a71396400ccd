import { Injectable } from '@nestjs/common';
import type { EventContext } from '@uhr/platform';
import type { MatchCandidate } from '../../../matching/domain/match-run.js';
import { refusalsAsHttp } from '../../../shared/refusals.js';
import { CandidateRepository } from '../../candidate.repository.js';

/** A transplant centre lists a candidate on the waitlist; the centre is the caller. */
@Injectable()
export class ListCandidateUseCase {
  constructor(private readonly candidates: CandidateRepository) {}

  async execute(candidate: MatchCandidate, ctx: EventContext) {
    await refusalsAsHttp(() =>
      this.candidates.execute(candidate.id, { type: 'ListCandidate', candidate, centre: ctx.actor }, ctx),
    );
    return (await this.candidates.byId(candidate.id))!;
  }
}
