import { Injectable } from '@nestjs/common';
import { ForbiddenError, NotFoundError, type EventContext } from '@uhr/platform';
import type { MatchCandidate } from '../../../matching/domain/match-run.js';
import { refusalsAsHttp } from '../../../shared/refusals.js';
import { CandidateRepository } from '../../candidate.repository.js';

/** The listing centre changes a candidate's fields; the change is a new audited version naming the fields. */
@Injectable()
export class UpdateCandidateUseCase {
  constructor(private readonly candidates: CandidateRepository) {}

  async execute(candidate: MatchCandidate, ctx: EventContext) {
    const current = await this.candidates.byId(candidate.id);
    if (!current) throw new NotFoundError('CandidateNotFound', `no candidate ${candidate.id}`);
    if (current.centre !== ctx.actor)
      throw new ForbiddenError('NotYourCandidate', 'only the listing centre changes a candidate');
    await refusalsAsHttp(() => this.candidates.execute(candidate.id, { type: 'UpdateCandidate', candidate }, ctx));
    return (await this.candidates.byId(candidate.id))!;
  }
}
