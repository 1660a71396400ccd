import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles, type Principal, eventContextOf, NoIdempotencyKey } from '@uhr/platform';
import { IsUUID, Matches } from 'class-validator';
import { RelationshipsService } from './relationships.service.js';

export class RelationshipDto {
  @ApiProperty() @IsUUID() patientId!: string;
  @ApiProperty() @IsUUID() providerId!: string;
}

export class EndRelationshipDto extends RelationshipDto {
  @ApiProperty() @Matches(/^[0-9]{1,78}$/, { message: 'nonce must be a decimal integer' }) nonce!: string;
  @ApiProperty() @Matches(/^[0-9]{1,30}$/, { message: 'deadline must be a decimal integer' }) deadline!: string;
  @ApiProperty()
  @Matches(/^0x[0-9a-fA-F]{130}$/, { message: 'signature must be a 65-byte 0x hex signature' })
  signature!: string;
}

@ApiTags('relationships')
@ApiBearerAuth()
@Controller('relationships')
export class RelationshipsController {
  constructor(private readonly relationships: RelationshipsService) {}

  /** The caller's relationships (patient or provider), read from the Relationships contract. */
  @Get()
  list(@CurrentPrincipal() p: Principal) {
    return this.relationships.list(p);
  }

  @Post('end/prepare')
  @NoIdempotencyKey('a query: the message to sign, nothing stored')
  @HttpCode(200)
  @Roles('patient')
  prepare(@Body() dto: RelationshipDto, @CurrentPrincipal() p: Principal) {
    return this.relationships.prepareEnd(dto.patientId, dto.providerId, p);
  }

  /** 202: relayed to Relationships.endRelationshipBySig; `status` turns `ended` (consent.RelationshipEnded). */
  @Post('end')
  @HttpCode(202)
  @Roles('patient')
  end(@Body() dto: EndRelationshipDto, @CurrentPrincipal() p: Principal) {
    return this.relationships.end(dto, p, eventContextOf(p));
  }

  @Get('endings/:id')
  ending(@Param('id', new ParseUUIDPipe()) id: string, @CurrentPrincipal() p: Principal) {
    return this.relationships.byId(id, p);
  }
}
