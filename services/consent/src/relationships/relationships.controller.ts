import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors, CurrentPrincipal, Roles, type Principal, eventContextOf, NoIdempotencyKey } from '@uhr/platform';
import { IsUUID, Matches } from 'class-validator';
import { RelationshipsService } from './relationships.service.js';

export class RelationshipDto {
  @ApiProperty({ description: 'registrar identity id of the patient: your own' }) @IsUUID() patientId!: string;
  @ApiProperty({ description: 'registrar identity id of the provider' }) @IsUUID() providerId!: string;
}

export class EndRelationshipDto extends RelationshipDto {
  @ApiProperty({ description: 'the nonce from POST /relationships/end/prepare (decimal, up to uint256)' })
  @Matches(/^[0-9]{1,78}$/, { message: 'nonce must be a decimal integer' })
  nonce!: string;
  @ApiProperty({ description: 'the deadline from POST /relationships/end/prepare (unix seconds, decimal)' })
  @Matches(/^[0-9]{1,30}$/, { message: 'deadline must be a decimal integer' })
  deadline!: string;
  @ApiProperty({ description: 'the patient’s EIP-712 signature of `toSign` (65 bytes, 0x hex)' })
  @Matches(/^0x[0-9a-fA-F]{130}$/, { message: 'signature must be a 65-byte 0x hex signature' })
  signature!: string;
}

@ApiTags('relationships')
@ApiBearerAuth()
@Controller('relationships')
export class RelationshipsController {
  constructor(private readonly relationships: RelationshipsService) {}

  /** The caller's relationships (patient or provider), read from the Relationships contract. */
  @ApiOperation({
    summary: 'Your patient–provider relationships, read from the Relationships contract (any signed-in user)',
  })
  @ApiResponse({
    status: 200,
    description: '{ relationshipId, patientId, providerId, status: none | active | ended }[]',
  })
  @ApiErrors(401, 503)
  @Get()
  list(@CurrentPrincipal() p: Principal) {
    return this.relationships.list(p);
  }

  @ApiOperation({
    summary: 'The EndRelationship message the patient signs to end a relationship, with a fresh nonce (patients)',
    description: 'Nothing is stored. 403 NotYourIdentity unless patientId is your own active identity.',
  })
  @ApiResponse({ status: 200, description: '{ nonce, deadline, toSign } (EIP-712 EndRelationship)' })
  @ApiErrors(400, 401, 403, 503)
  @Post('end/prepare')
  @NoIdempotencyKey('a query: the message to sign, nothing stored')
  @HttpCode(200)
  @Roles('patient')
  prepare(@Body() dto: RelationshipDto, @CurrentPrincipal() p: Principal) {
    return this.relationships.prepareEnd(dto.patientId, dto.providerId, p);
  }

  /** 202: relayed to Relationships.endRelationshipBySig; `status` turns `ended` (consent.RelationshipEnded). */
  @ApiOperation({
    summary: 'End a relationship with the patient’s signed EndRelationship, relayed to the chain (patients)',
    description:
      'Once ended the provider may neither add records nor read the ones it wrote. 403 NotYourIdentity, ' +
      'InvalidSignature; 422 UnknownProvider.',
  })
  @ApiResponse({ status: 202, description: '`requested`, then `ended` once mined (consent.RelationshipEnded)' })
  @ApiErrors(400, 401, 403, 422, 503)
  @Post('end')
  @HttpCode(202)
  @Roles('patient')
  end(@Body() dto: EndRelationshipDto, @CurrentPrincipal() p: Principal) {
    return this.relationships.end(dto, p, eventContextOf(p));
  }

  @ApiOperation({ summary: 'One relationship ending and its chain status (its patient and its provider)' })
  @ApiResponse({ status: 200, description: 'the ending: `requested`, `ended` or `rejected`' })
  @ApiErrors(400, 401, 403, 404, 503)
  @Get('endings/:id')
  ending(@Param('id', new ParseUUIDPipe()) id: string, @CurrentPrincipal() p: Principal) {
    return this.relationships.byId(id, p);
  }
}
