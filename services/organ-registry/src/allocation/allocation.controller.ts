import { Body, Controller, Get, HttpCode, Inject, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, ForbiddenError, Roles, type Principal } from '@uhr/platform';
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
  @Post('match-runs/:id/offers')
  @Roles('organ-bank')
  async start(@Param('id', ParseUUIDPipe) id: string, @CurrentPrincipal() p: Principal) {
    return viewFor(p, await this.allocate.start(id, commandContext(p, this.clock)));
  }

  @Get('allocations/:id')
  @Roles('organ-bank', 'auditor', 'provider')
  async get(@Param('id', ParseUUIDPipe) id: string, @CurrentPrincipal() p: Principal) {
    const view = viewFor(p, await this.allocations.state(id));
    await this.audit.record(p, 'offer', [id]);
    return view;
  }

  /** The offers made to the calling centre, newest first. */
  @Get('offers')
  @Roles('provider')
  mine(@CurrentPrincipal() p: Principal) {
    return this.allocations.offersOf(p.subject);
  }

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
  @Post('allocations/:id/bypass')
  @HttpCode(200)
  @Roles('organ-bank')
  async bypass(@Param('id', ParseUUIDPipe) id: string, @Body() dto: BypassDto, @CurrentPrincipal() p: Principal) {
    return viewFor(p, await this.allocate.bypass(id, dto.candidateId, dto.code, commandContext(p, this.clock)));
  }

  /** The transplant centre records the transplant: only into the candidate who accepted this organ. */
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
