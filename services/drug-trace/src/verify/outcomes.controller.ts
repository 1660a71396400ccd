import { Controller, Get, Inject, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ApiErrors, CurrentPrincipal, NotFoundError, Roles, StreamAnchorer, type Principal } from '@uhr/platform';
import { OUTCOMES_ANCHORER } from '../anchoring/anchorers.js';
import { CallerResolver } from '../master-data/caller.js';
import { OutcomeLog } from './outcome-log.js';

/** Proofs of the verify/decommission/undo outcomes a party recorded (the `outcomeEntry` each answer carries). */
@ApiTags('verify')
@ApiBearerAuth()
@Controller('outcomes')
export class OutcomesController {
  constructor(
    private readonly log: OutcomeLog,
    private readonly callers: CallerResolver,
    @Inject(OUTCOMES_ANCHORER) private readonly anchorer: StreamAnchorer,
  ) {}

  @Get(':entryId/proof')
  @Roles('manufacturer', 'distributor', 'pharmacist')
  @ApiErrors(401, 403, 404)
  async proof(@CurrentPrincipal() p: Principal, @Param('entryId') entryId: string) {
    const party = await this.callers.partyOf(p);
    const outcome = /^\d{1,19}$/.test(entryId) ? await this.log.ofParty(entryId, party.id) : undefined;
    if (!outcome) throw new NotFoundError('UnknownOutcome', `no outcome ${entryId} of yours`);
    return { ...outcome, ...(await this.anchorer.proofOf(entryId)) };
  }
}
