import { Body, Controller, Get, HttpCode, Inject, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  ApiErrors,
  CurrentPrincipal,
  ForbiddenError,
  NotFoundError,
  Public,
  Roles,
  type Principal,
} from '@uhr/platform';
import { AccessAudit } from '../audit/access-audit.js';
import { CLOCK, type Clock } from '../shared/clock.js';
import { commandContext, hasRole } from '../shared/context.js';
import { CandidateRepository } from '../waitlist/candidate.repository.js';
import { policyHash } from './domain/policy.js';
import { MatchRunRepository } from './match-run.repository.js';
import { RunMatchDto } from './matching.dto.js';
import { ReplayMatchUseCase } from './use-cases/replay-match/replay-match.use-case.js';
import { policyNamed, RunMatchUseCase, summaryOf } from './use-cases/run-match/run-match.use-case.js';

@ApiTags('matching')
@ApiBearerAuth()
@Controller()
export class MatchingController {
  constructor(
    private readonly runs: MatchRunRepository,
    private readonly candidates: CandidateRepository,
    private readonly runUseCase: RunMatchUseCase,
    private readonly replayUseCase: ReplayMatchUseCase,
    private readonly audit: AccessAudit,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** The published allocation policy: open to anyone, so anyone can replay a run. */
  @ApiOperation({
    summary: 'A published allocation policy and its hash, to replay a run (public)',
    description: '400 UnknownPolicy names the known versions.',
  })
  @ApiResponse({ status: 200, description: '{ hash, policy }' })
  @ApiErrors(400)
  @Get('policies/:version')
  @Public()
  policy(@Param('version') version: string) {
    const policy = policyNamed(version);
    return { hash: policyHash(policy), policy };
  }

  @ApiOperation({
    summary: 'Run the match for an organ: the waitlist ranked under a policy, stored and anchored (organ bank)',
    description: '404 OrganNotFound; 400 UnknownPolicy. The current policy when `policyVersion` is absent.',
  })
  @ApiResponse({ status: 201, description: 'the run: id, anchor entry, anchored hash and its summary' })
  @ApiErrors(400, 401, 403, 404, 503)
  @Post('match-runs')
  @Roles('organ-bank')
  run(@Body() dto: RunMatchDto, @CurrentPrincipal() p: Principal) {
    return this.runUseCase.execute(dto.organId, dto.policyVersion, commandContext(p, this.clock));
  }

  /**
   * The organ bank and auditors read the whole ranked list; a transplant centre reads the run's hashes and only
   * its own candidates' entries (their rank, class and points).
   */
  @ApiOperation({
    summary: 'A match run: the whole ranked list (organ bank, auditors); a centre, its own candidates’ entries',
    description: '403 NotYourRun for a centre with no candidate in it; 404 MatchRunNotFound. The read is logged.',
  })
  @ApiResponse({ status: 200, description: 'the run’s hashes, summary, and ranked and ineligible entries' })
  @ApiErrors(400, 401, 403, 404, 503)
  @Get('match-runs/:id')
  @Roles('organ-bank', 'auditor', 'provider')
  async get(@Param('id', ParseUUIDPipe) id: string, @CurrentPrincipal() p: Principal) {
    const run = await this.runs.byId(id);
    if (!run) throw new NotFoundError('MatchRunNotFound', `no match run ${id}`);
    await this.audit.record(p, 'match-run', [id]);
    const base = {
      id: run.id,
      anchorEntryId: run.anchorEntryId,
      anchoredHash: run.anchoredHash,
      ...summaryOf(run.result),
    };
    if (hasRole(p, 'organ-bank', 'auditor'))
      return { ...base, ranked: run.result.ranked, ineligible: run.result.ineligible };
    const ids = [...run.result.ranked, ...run.result.ineligible].map((r) => r.candidateId);
    const centres = await this.candidates.centresOf(ids);
    const mine = (cid: string) => centres.get(cid) === p.subject;
    const ranked = run.result.ranked.filter((r) => mine(r.candidateId));
    const ineligible = run.result.ineligible.filter((r) => mine(r.candidateId));
    if (ranked.length + ineligible.length === 0)
      throw new ForbiddenError('NotYourRun', 'the run holds none of your candidates');
    return { ...base, ranked, ineligible };
  }

  /** Recomputes the run from the candidate versions it read and shows both sets of hashes. */
  @ApiOperation({
    summary: 'Recompute a run from the candidate versions it read, and compare (organ bank, auditors)',
    description: '404 MatchRunNotFound.',
  })
  @ApiResponse({
    status: 200,
    description: '{ equal, stored, replayed, alteredCandidates, anchor: { status, verifiedOnChain } }',
  })
  @ApiErrors(400, 401, 403, 404, 503)
  @Post('match-runs/:id/replay')
  @HttpCode(200)
  @Roles('organ-bank', 'auditor')
  async replay(@Param('id', ParseUUIDPipe) id: string, @CurrentPrincipal() p: Principal) {
    await this.audit.record(p, 'match-run', [id], 'replay');
    return this.replayUseCase.execute(id);
  }
}
