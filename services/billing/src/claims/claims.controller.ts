import { Body, Controller, Get, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, NotFoundError, Roles, type Principal } from '@uhr/platform';
import { IsOptional, IsUUID, Matches } from 'class-validator';
import { ClaimRepository } from './claim.repository.js';
import { AdjudicateClaimUseCase } from './use-cases/adjudicate-claim/adjudicate-claim.use-case.js';

export class ClaimDto {
  @ApiProperty() @IsUUID() invoiceId!: string;

  @ApiPropertyOptional({ description: 'the Consent grant relied on (bytes32); else any grant that covers it' })
  @IsOptional()
  @Matches(/^0x[0-9a-fA-F]{64}$/, { message: 'grantId must be a 0x-prefixed bytes32' })
  grantId?: string;
}

@ApiTags('claims')
@ApiBearerAuth()
@Controller('claims')
export class ClaimsController {
  constructor(
    private readonly adjudicate: AdjudicateClaimUseCase,
    private readonly claims: ClaimRepository,
  ) {}

  /** The answer is a FHIR ClaimResponse, with the grant it relied on. */
  @Post()
  @Roles('insurer')
  async create(@CurrentPrincipal() p: Principal, @Body() dto: ClaimDto) {
    const c = await this.adjudicate.execute(p, dto.invoiceId, dto.grantId);
    return { claimId: c.id, grantId: c.grantId, claimResponse: c.response };
  }

  @Get(':id')
  @Roles('insurer')
  async one(@CurrentPrincipal() p: Principal, @Param('id', ParseUUIDPipe) id: string) {
    const c = await this.claims.byId(id);
    if (!c || c.insurerSubject !== p.subject) throw new NotFoundError('ClaimNotFound', `no claim ${id} of yours`);
    return { claimId: c.id, grantId: c.grantId, claimResponse: c.response };
  }
}
