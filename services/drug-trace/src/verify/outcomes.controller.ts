import { Controller, Get, Inject, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
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
  @ApiOperation({
    summary: 'The inclusion proof of a verify, decommission or undo outcome you recorded (its `outcomeEntry`)',
    description: '404 UnknownOutcome for another party’s, as for a missing one.',
  })
  @ApiResponse({
    status: 200,
    description:
      'the outcome and its entry: `waiting` for a batch, or its batch, root, leaf, proof and `verifiedOnChain`',
  })
  @ApiErrors(401, 403, 404, 503)
  async proof(@CurrentPrincipal() p: Principal, @Param('entryId') entryId: string) {
    const party = await this.callers.partyOf(p);
    const outcome = /^\d{1,19}$/.test(entryId) ? await this.log.ofParty(entryId, party.id) : undefined;
    if (!outcome) throw new NotFoundError('UnknownOutcome', `no outcome ${entryId} of yours`);
    return { ...outcome, ...(await this.anchorer.proofOf(entryId)) };
  }
}
