import { Body, Controller, Get, Inject, Param, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors, CurrentPrincipal, ForbiddenError, NotFoundError, Roles, type Principal } from '@uhr/platform';
import { AccessAudit } from '../audit/access-audit.js';
import { CLOCK, type Clock } from '../shared/clock.js';
import { commandContext, hasRole } from '../shared/context.js';
import { CandidateRepository, type CandidateView } from './candidate.repository.js';
import { ListCandidateUseCase } from './use-cases/list-candidate/list-candidate.use-case.js';
import { UpdateCandidateUseCase } from './use-cases/update-candidate/update-candidate.use-case.js';
import { CandidateFieldsDto, candidateOf, ListCandidateDto } from './waitlist.dto.js';

/** Organ banks and auditors read any candidate; a transplant centre only those it listed. */
export function assertMayReadCandidate(p: Principal, view: CandidateView | undefined, id: string): CandidateView {
  if (!view) throw new NotFoundError('CandidateNotFound', `no candidate ${id}`);
  if (hasRole(p, 'organ-bank', 'auditor') || view.centre === p.subject) return view;
  throw new ForbiddenError('NotYourCandidate', 'a centre reads only the candidates it listed');
}

@ApiTags('waitlist')
@ApiBearerAuth()
@Controller('candidates')
export class WaitlistController {
  constructor(
    private readonly candidates: CandidateRepository,
    private readonly listUseCase: ListCandidateUseCase,
    private readonly updateUseCase: UpdateCandidateUseCase,
    private readonly audit: AccessAudit,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** A transplant centre lists a candidate (the caller is the centre). */
  @ApiOperation({
    summary: 'List a candidate on the waitlist; your centre lists it (transplant centres)',
    description: '400 InvalidCandidate naming each broken rule; 409 CandidateExists.',
  })
  @ApiResponse({ status: 201, description: 'the candidate as listed' })
  @ApiErrors(400, 401, 403, 409, 503)
  @Post()
  @Roles('provider')
  list(@Body() dto: ListCandidateDto, @CurrentPrincipal() p: Principal) {
    const { id, ...fields } = dto;
    return this.listUseCase.execute(candidateOf(id, fields), commandContext(p, this.clock));
  }

  /** The listing centre replaces the candidate's clinical fields; a new version records what changed. */
  @ApiOperation({
    summary: 'Replace a candidate’s clinical fields; a new version records what changed (the listing centre)',
    description:
      '403 NotYourCandidate; 404 CandidateNotFound; 400 InvalidCandidate, or NothingChanged for an update ' +
      'that changes no field.',
  })
  @ApiResponse({ status: 200, description: 'the candidate, its new version' })
  @ApiErrors(400, 401, 403, 404, 503)
  @Put(':id')
  @Roles('provider')
  update(@Param('id') id: string, @Body() dto: CandidateFieldsDto, @CurrentPrincipal() p: Principal) {
    return this.updateUseCase.execute(candidateOf(id, dto), commandContext(p, this.clock));
  }

  @ApiOperation({
    summary: 'A candidate (its listing centre, organ bank, auditors; logged)',
    description: '403 NotYourCandidate for another centre; 404 CandidateNotFound.',
  })
  @ApiResponse({ status: 200, description: 'the candidate’s current version' })
  @ApiErrors(401, 403, 404, 503)
  @Get(':id')
  @Roles('provider', 'organ-bank', 'auditor')
  async get(@Param('id') id: string, @CurrentPrincipal() p: Principal) {
    const view = assertMayReadCandidate(p, await this.candidates.byId(id), id);
    await this.audit.record(p, 'candidate', [id]);
    return view;
  }

  /** Every version of the candidate: when, by whom and which fields changed. */
  @ApiOperation({
    summary: 'Every version of a candidate: when, by whom, which fields changed (as GET /candidates/{id})',
    description: '403 NotYourCandidate; 404 CandidateNotFound.',
  })
  @ApiResponse({ status: 200, description: 'the versions, oldest first' })
  @ApiErrors(401, 403, 404, 503)
  @Get(':id/history')
  @Roles('provider', 'organ-bank', 'auditor')
  async history(@Param('id') id: string, @CurrentPrincipal() p: Principal) {
    assertMayReadCandidate(p, await this.candidates.byId(id), id);
    await this.audit.record(p, 'candidate', [id], 'read-history');
    return this.candidates.history(id);
  }
}
