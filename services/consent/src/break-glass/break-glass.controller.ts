import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles, type Principal, eventContextOf, NoIdempotencyKey } from '@uhr/platform';
import { BreakGlassDto, BreakGlassTermsDto } from '../grants/grant.dto.js';
import { BreakGlassService } from './break-glass.service.js';

@ApiTags('break-glass')
@ApiBearerAuth()
@Controller('break-glass')
export class BreakGlassController {
  constructor(private readonly breakGlass: BreakGlassService) {}

  @Post('prepare')
  @NoIdempotencyKey('a query: the message to sign, nothing stored')
  @HttpCode(200)
  @Roles('provider')
  prepare(@Body() dto: BreakGlassTermsDto, @CurrentPrincipal() p: Principal) {
    return this.breakGlass.prepare(dto, p);
  }

  /** 202: relayed to Consent.breakGlassBySig; consent.BreakGlassUsed alerts the patient and auditors once mined. */
  @Post()
  @HttpCode(202)
  @Roles('provider')
  open(@Body() dto: BreakGlassDto, @CurrentPrincipal() p: Principal) {
    return this.breakGlass.execute(dto, p, eventContextOf(p));
  }

  @Get()
  list(@CurrentPrincipal() p: Principal) {
    return this.breakGlass.list(p);
  }

  @Get(':id')
  byId(@Param('id', new ParseUUIDPipe()) id: string, @CurrentPrincipal() p: Principal) {
    return this.breakGlass.byId(id, p);
  }
}
