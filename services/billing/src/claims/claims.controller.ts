import { Body, Controller, Get, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiPropertyOptional, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors, CurrentPrincipal, NotFoundError, Roles, type Principal } from '@uhr/platform';
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
  @ApiOperation({
    summary: 'Claim an issued invoice under a Consent grant; adjudicated at once (insurers)',
    description:
      'The grant named, else any one of your registered identities holds for the invoice or its category. ' +
      '404 InvoiceNotFound when no grant lets you see it; 403 NotRegistered without a registered insurer ' +
      'identity; 422 NotAnIssuedInvoice. A second claim of one invoice answers the first.',
  })
  @ApiResponse({ status: 201, description: '{ claimId, grantId, claimResponse }: a FHIR ClaimResponse' })
  @ApiErrors(400, 401, 403, 404, 422, 503)
  @Post()
  @Roles('insurer')
  async create(@CurrentPrincipal() p: Principal, @Body() dto: ClaimDto) {
    const c = await this.adjudicate.execute(p, dto.invoiceId, dto.grantId);
    return { claimId: c.id, grantId: c.grantId, claimResponse: c.response };
  }

  @ApiOperation({ summary: 'One of your claims (insurers)', description: '404 ClaimNotFound for another insurer’s.' })
  @ApiResponse({ status: 200, description: '{ claimId, grantId, claimResponse }' })
  @ApiErrors(400, 401, 403, 404, 503)
  @Get(':id')
  @Roles('insurer')
  async one(@CurrentPrincipal() p: Principal, @Param('id', ParseUUIDPipe) id: string) {
    const c = await this.claims.byId(id);
    if (!c || c.insurerSubject !== p.subject) throw new NotFoundError('ClaimNotFound', `no claim ${id} of yours`);
    return { claimId: c.id, grantId: c.grantId, claimResponse: c.response };
  }
}
