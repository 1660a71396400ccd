import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors, CurrentPrincipal, Roles, type Principal, eventContextOf, NoIdempotencyKey } from '@uhr/platform';
import { BreakGlassDto, BreakGlassTermsDto } from '../grants/grant.dto.js';
import { BreakGlassService } from './break-glass.service.js';

@ApiTags('break-glass')
@ApiBearerAuth()
@Controller('break-glass')
export class BreakGlassController {
  constructor(private readonly breakGlass: BreakGlassService) {}

  @ApiOperation({
    summary:
      'The BreakGlass message a provider signs for emergency access to a patient, with a fresh nonce (providers)',
    description:
      'Nothing is stored. 403 NotYourIdentity unless providerId is your own active provider identity; ' +
      '422 UnknownPatient.',
  })
  @ApiResponse({ status: 200, description: '{ nonce, deadline, toSign } (EIP-712 BreakGlass)' })
  @ApiErrors(400, 401, 403, 422, 503)
  @Post('prepare')
  @NoIdempotencyKey('a query: the message to sign, nothing stored')
  @HttpCode(200)
  @Roles('provider')
  prepare(@Body() dto: BreakGlassTermsDto, @CurrentPrincipal() p: Principal) {
    return this.breakGlass.prepare(dto, p);
  }

  /** 202: relayed to Consent.breakGlassBySig; consent.BreakGlassUsed alerts the patient and auditors once mined. */
  @ApiOperation({
    summary: 'Open time-boxed emergency access with the provider’s signed BreakGlass and a reason (providers)',
    description:
      'Relayed to Consent.breakGlassBySig; once mined the patient and the auditors are alerted ' +
      '(consent.BreakGlassUsed). 403 NotYourIdentity, InvalidSignature; 422 UnknownPatient.',
  })
  @ApiResponse({ status: 202, description: '`requested`, then `active` with its grant once mined' })
  @ApiErrors(400, 401, 403, 422, 503)
  @Post()
  @HttpCode(202)
  @Roles('provider')
  open(@Body() dto: BreakGlassDto, @CurrentPrincipal() p: Principal) {
    return this.breakGlass.execute(dto, p, eventContextOf(p));
  }

  @ApiOperation({
    summary: 'Break-glass accesses you opened or that opened your records; auditors and administrators see all',
  })
  @ApiResponse({ status: 200, description: 'up to 200, newest first' })
  @ApiErrors(401, 503)
  @Get()
  list(@CurrentPrincipal() p: Principal) {
    return this.breakGlass.list(p);
  }

  @ApiOperation({ summary: 'One break-glass access (its patient, its provider, auditors, administrators)' })
  @ApiResponse({ status: 200, description: 'the break-glass access and its chain status' })
  @ApiErrors(400, 401, 403, 404, 503)
  @Get(':id')
  byId(@Param('id', new ParseUUIDPipe()) id: string, @CurrentPrincipal() p: Principal) {
    return this.breakGlass.byId(id, p);
  }
}
