import { Body, Controller, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles, type Principal, NoIdempotencyKey } from '@uhr/platform';
import { AccessAudit } from '../audit/access-audit.js';
import { CLOCK, type Clock } from '../shared/clock.js';
import { commandContext } from '../shared/context.js';
import { CustodyRepository } from './custody.repository.js';
import { HandOffDto, PrepareHandOffDto, ReconcileDto, StartCustodyDto } from './custody.dto.js';
import { CustodyUseCase } from './use-cases/custody.use-case.js';

/**
 * Custody is relayed by the organ bank and the transplant centres; the parties' own keys sign each hand-off,
 * so the caller's role only says who may submit what the parties signed.
 */
@ApiTags('custody')
@ApiBearerAuth()
@Controller('organs/:id/custody')
export class CustodyController {
  constructor(
    private readonly custodyUseCase: CustodyUseCase,
    private readonly custody: CustodyRepository,
    private readonly audit: AccessAudit,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Post()
  @Roles('organ-bank')
  start(@Param('id') id: string, @Body() dto: StartCustodyDto, @CurrentPrincipal() p: Principal) {
    return this.custodyUseCase.register(id, dto.custodianId, commandContext(p, this.clock));
  }

  /** The typed data both parties sign for the next hand-off. */
  @Post('prepare')
  @NoIdempotencyKey('a query: the message to sign, nothing stored')
  @HttpCode(200)
  @Roles('organ-bank', 'provider')
  prepare(@Param('id') id: string, @Body() dto: PrepareHandOffDto) {
    return this.custodyUseCase.prepare(id, dto, this.clock.now().getTime());
  }

  @Post('hand-offs')
  @Roles('organ-bank', 'provider')
  handOff(@Param('id') id: string, @Body() dto: HandOffDto, @CurrentPrincipal() p: Principal) {
    return this.custodyUseCase.handOff(id, dto, commandContext(p, this.clock));
  }

  /** Two clinicians unblock an organ after a check-in discrepancy. */
  @Post('reconcile')
  @HttpCode(200)
  @Roles('provider')
  reconcile(@Param('id') id: string, @Body() dto: ReconcileDto, @CurrentPrincipal() p: Principal) {
    return this.custodyUseCase.reconcile(id, dto, commandContext(p, this.clock));
  }

  @Get()
  @Roles('organ-bank', 'auditor')
  async history(@Param('id') id: string, @CurrentPrincipal() p: Principal) {
    await this.audit.record(p, 'custody', [id]);
    return { state: (await this.custody.state(id)) ?? null, events: await this.custody.history(id) };
  }
}
