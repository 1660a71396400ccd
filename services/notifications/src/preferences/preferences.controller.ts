import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors, CurrentPrincipal, type Principal } from '@uhr/platform';
import { PreferencesDto } from './preferences.dto.js';
import { PreferencesRepository } from './preferences.repository.js';

/** The caller's own preferences; whole-document replace, so a client always states the full intent. */
@ApiTags('preferences')
@ApiBearerAuth()
@Controller('preferences')
export class PreferencesController {
  constructor(private readonly preferences: PreferencesRepository) {}

  @ApiOperation({ summary: 'Your notification preferences (any signed-in user)' })
  @ApiResponse({ status: 200, description: 'muted types, quiet hours and the daily digest; the defaults if never set' })
  @ApiErrors(401, 503)
  @Get()
  get(@CurrentPrincipal() p: Principal) {
    return this.preferences.get(p.subject);
  }

  @ApiOperation({
    summary: 'Replace your notification preferences, the whole document (any signed-in user)',
    description:
      'Safety alerts (consent.BreakGlassUsed, records.IntegrityViolationDetected) cannot be muted: 400 naming ' +
      '`mutedTypes`. Times are HH:MM in an IANA time zone.',
  })
  @ApiResponse({ status: 200, description: 'the preferences as stored' })
  @ApiErrors(400, 401, 503)
  @Put()
  put(@Body() dto: PreferencesDto, @CurrentPrincipal() p: Principal) {
    return this.preferences.put(p.subject, {
      mutedTypes: [...new Set(dto.mutedTypes)],
      quietHours: dto.quietHours
        ? { start: dto.quietHours.start, end: dto.quietHours.end, timezone: dto.quietHours.timezone }
        : null,
      digest: { daily: dto.digest.daily, at: dto.digest.at, timezone: dto.digest.timezone },
    });
  }
}
