import { Body, Controller, Get, HttpCode, Inject, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors, CurrentPrincipal, ForbiddenError, Roles, type Principal } from '@uhr/platform';
import { AccessAudit } from '../audit/access-audit.js';
import { CLOCK, type Clock } from '../shared/clock.js';
import { commandContext, hasRole } from '../shared/context.js';
import { BypassDto, DeclineOfferDto, RecordTransplantDto } from './allocation.dto.js';
import { AllocationRepository } from './allocation.repository.js';
import type { AllocationState } from './domain/allocation.js';
import { AllocateOrganUseCase } from './use-cases/allocate-organ.use-case.js';

/** The allocation as a party may see it: all offers for the organ bank and auditors, its own for a centre. */
function viewFor(p: Principal, s: AllocationState) {
  const all = hasRole(p, 'organ-bank', 'auditor');
  const offers = all ? s.offers : s.offers.filter((o) => o.centre === p.subject);
  if (!all && offers.length === 0) throw new ForbiddenError('NotYourAllocation', 'no offer of this run is yours');
  return {
    runId: s.runId,
    organId: s.organId,
    organType: s.organType,
    offers: offers.map((o) => ({
      ...o,
      offeredAt: new Date(o.offeredAt).toISOString(),
      expiresAt: new Date(o.expiresAt).toISOString(),
    })),
    accepted: all || offers.some((o) => o.candidateId === s.acceptedBy) ? (s.acceptedBy ?? null) : null,
    transplantedInto: all ? (s.transplantedInto ?? null) : null,
    exhausted: s.exhausted,
  };
}

@ApiTags('allocation')
@ApiBearerAuth()
@Controller()
export class AllocationController {
  constructor(
    private readonly allocate: AllocateOrganUseCase,
    private readonly allocations: AllocationRepository,
    private readonly audit: AccessAudit,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Starts sequential offers down the run: rank 1 is offered, with its response deadline. */
  @ApiOperation({
    summary: 'Start sequential offers down a match run: rank 1 is offered, with its deadline (organ bank)',
    description: '404 MatchRunNotFound; 409 OffersStarted when they already are.',
  })
  @ApiResponse({ status: 201, description: 'the allocation: its offers and their deadlines' })
  @ApiErrors(400, 401, 403, 404, 409, 503)
  @Post('match-runs/:id/offers')
  @Roles('organ-bank')
  async start(@Param('id', ParseUUIDPipe) id: string, @CurrentPrincipal() p: Principal) {
    return viewFor(p, await this.allocate.start(id, commandContext(p, this.clock)));
  }

  @ApiOperation({
    summary: 'An allocation: every offer (organ bank, auditors); its own offers (a centre)',
    description: '403 NotYourAllocation for a centre with no offer in it. The read is logged.',
  })
  @ApiResponse({ status: 200, description: 'runId, organId, organType, offers, accepted, transplantedInto, exhausted' })
  @ApiErrors(400, 401, 403, 503)
  @Get('allocations/:id')
  @Roles('organ-bank', 'auditor', 'provider')
  async get(@Param('id', ParseUUIDPipe) id: string, @CurrentPrincipal() p: Principal) {
    const view = viewFor(p, await this.allocations.state(id));
    await this.audit.record(p, 'offer', [id]);
    return view;
  }

  /** The offers made to the calling centre, newest first. */
  @ApiOperation({ summary: 'The offers made to your transplant centre, newest first (centres)' })
  @ApiResponse({ status: 200, description: 'the offers: run, candidate, organ type, rank, status and deadline' })
  @ApiErrors(401, 403, 503)
  @Get('offers')
  @Roles('provider')
  mine(@CurrentPrincipal() p: Principal) {
    return this.allocations.offersOf(p.subject);
  }

  @ApiOperation({
    summary: 'Accept the open offer to one of your candidates (the candidate’s centre)',
    description:
      '403 NotYourOffer; 409 OffersNotStarted, NoOpenOffer (none, or past its deadline), or AlreadyAccepted ' +
      '(the candidate holds an accepted offer of this organ type).',
  })
  @ApiResponse({ status: 200, description: 'the allocation as your centre sees it' })
  @ApiErrors(400, 401, 403, 409, 503)
  @Post('allocations/:id/offers/:candidateId/accept')
  @HttpCode(200)
  @Roles('provider')
  async accept(
    @Param('id', ParseUUIDPipe) id: string,
    @Param('candidateId') candidateId: string,
    @CurrentPrincipal() p: Principal,
  ) {
    return viewFor(p, await this.allocate.accept(id, candidateId, commandContext(p, this.clock)));
  }

  @ApiOperation({
    summary: 'Decline the open offer to one of your candidates with a refusal code; the next candidate is offered',
    description: '400 UnknownRefusalCode; 403 NotYourOffer; 409 OffersNotStarted or NoOpenOffer.',
  })
  @ApiResponse({ status: 200, description: 'the allocation as your centre sees it' })
  @ApiErrors(400, 401, 403, 409, 503)
  @Post('allocations/:id/offers/:candidateId/decline')
  @HttpCode(200)
  @Roles('provider')
  async decline(
    @Param('id', ParseUUIDPipe) id: string,
    @Param('candidateId') candidateId: string,
    @Body() dto: DeclineOfferDto,
    @CurrentPrincipal() p: Principal,
  ) {
    return viewFor(p, await this.allocate.decline(id, candidateId, dto.code, commandContext(p, this.clock)));
  }

  /** Skips a candidate out of sequence; without a valid HRSA bypass code the skip is flagged for auditors. */
  @ApiOperation({
    summary: 'Skip a candidate out of sequence (organ bank); without a valid HRSA bypass code it is flagged',
    description: '409 OffersNotStarted, OrganAllocated, or NotOnRun (no pending place on this run).',
  })
  @ApiResponse({ status: 200, description: 'the allocation, the next candidate offered' })
  @ApiErrors(400, 401, 403, 409, 503)
  @Post('allocations/:id/bypass')
  @HttpCode(200)
  @Roles('organ-bank')
  async bypass(@Param('id', ParseUUIDPipe) id: string, @Body() dto: BypassDto, @CurrentPrincipal() p: Principal) {
    return viewFor(p, await this.allocate.bypass(id, dto.candidateId, dto.code, commandContext(p, this.clock)));
  }

  /** The transplant centre records the transplant: only into the candidate who accepted this organ. */
  @ApiOperation({
    summary: 'Record the transplant, into the candidate who accepted this organ only (the accepting centre)',
    description:
      '422 OFF_LIST_TRANSPLANT for any other candidate (alerted to auditors); 409 CustodyBlocked while a ' +
      'check-in discrepancy holds the organ, or OffersNotStarted.',
  })
  @ApiResponse({ status: 200, description: 'the allocation, `transplantedInto` set' })
  @ApiErrors(400, 401, 403, 409, 422, 503)
  @Post('allocations/:id/transplant')
  @HttpCode(200)
  @Roles('provider')
  async transplant(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: RecordTransplantDto,
    @CurrentPrincipal() p: Principal,
  ) {
    return viewFor(p, await this.allocate.transplant(id, dto.candidateId, commandContext(p, this.clock)));
  }
}
