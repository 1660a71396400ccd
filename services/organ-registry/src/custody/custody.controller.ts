import { Body, Controller, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors, CurrentPrincipal, Roles, type Principal, NoIdempotencyKey } from '@uhr/platform';
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

  @ApiOperation({
    summary: 'Start an organ’s custody chain on-chain (OrganCustody), procured, with its first custodian (organ bank)',
    description:
      '404 OrganNotFound; 409 CustodyExists; 400 InvalidIdentity or WrongIdentity for a `custodianId` that is ' +
      'not an active registrar identity of a custodian kind; 503 CustodyNotDeployed.',
  })
  @ApiResponse({ status: 201, description: 'the custody state: custodian, seq, stage, blocked' })
  @ApiErrors(400, 401, 403, 404, 409, 503)
  @Post()
  @Roles('organ-bank')
  start(@Param('id') id: string, @Body() dto: StartCustodyDto, @CurrentPrincipal() p: Principal) {
    return this.custodyUseCase.register(id, dto.custodianId, commandContext(p, this.clock));
  }

  /** The typed data both parties sign for the next hand-off. */
  @ApiOperation({
    summary: 'The HandOff typed data both parties sign for the next hand-off (organ bank, centres)',
    description:
      'A query: nothing is stored; a fresh nonce and one hour to sign. 404 OrganNotFound or CustodyNotStarted; ' +
      '409 CustodyBlocked, CustodyWrongStage, NotCustodian, SameParty or CheckInNeedsLabel.',
  })
  @ApiResponse({ status: 200, description: '{ domain, types, message }: the EIP-712 typed data to sign' })
  @ApiErrors(400, 401, 403, 404, 409, 503)
  @Post('prepare')
  @NoIdempotencyKey('a query: the message to sign, nothing stored')
  @HttpCode(200)
  @Roles('organ-bank', 'provider')
  prepare(@Param('id') id: string, @Body() dto: PrepareHandOffDto) {
    return this.custodyUseCase.prepare(id, dto, this.clock.now().getTime());
  }

  @ApiOperation({
    summary: 'Relay a hand-off both parties signed; a check-in label mismatch blocks the organ (organ bank, centres)',
    description:
      '422 CUSTODY_GAP when a signature is missing (alerted); 400 SignatureExpired, WrongSigner or WrongIdentity; ' +
      '404 OrganNotFound or CustodyNotStarted; 409 as for prepare.',
  })
  @ApiResponse({ status: 201, description: 'the custody state after the hand-off' })
  @ApiErrors(400, 401, 403, 404, 409, 422, 503)
  @Post('hand-offs')
  @Roles('organ-bank', 'provider')
  handOff(@Param('id') id: string, @Body() dto: HandOffDto, @CurrentPrincipal() p: Principal) {
    return this.custodyUseCase.handOff(id, dto, commandContext(p, this.clock));
  }

  /** Two clinicians unblock an organ after a check-in discrepancy. */
  @ApiOperation({
    summary: 'Two clinicians unblock an organ after a check-in discrepancy, both signing (centres)',
    description:
      '409 NotBlocked or SameParty; 422 CUSTODY_GAP when a signature is missing; 400 SignatureExpired, ' +
      'WrongSigner or WrongIdentity; 404 OrganNotFound or CustodyNotStarted.',
  })
  @ApiResponse({ status: 200, description: 'the custody state, no longer blocked' })
  @ApiErrors(400, 401, 403, 404, 409, 422, 503)
  @Post('reconcile')
  @HttpCode(200)
  @Roles('provider')
  reconcile(@Param('id') id: string, @Body() dto: ReconcileDto, @CurrentPrincipal() p: Principal) {
    return this.custodyUseCase.reconcile(id, dto, commandContext(p, this.clock));
  }

  @ApiOperation({ summary: 'An organ’s custody state and every custody event (organ bank, auditors; logged)' })
  @ApiResponse({ status: 200, description: '{ state (null before custody starts), events }' })
  @ApiErrors(401, 403, 503)
  @Get()
  @Roles('organ-bank', 'auditor')
  async history(@Param('id') id: string, @CurrentPrincipal() p: Principal) {
    await this.audit.record(p, 'custody', [id]);
    return { state: (await this.custody.state(id)) ?? null, events: await this.custody.history(id) };
  }
}
