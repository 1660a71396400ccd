import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal } from '@uhr/platform';
import { PreferencesDto } from './preferences.dto.js';
import { PreferencesRepository } from './preferences.repository.js';

/** The caller's own preferences; whole-document replace, so a client always states the full intent. */
@ApiTags('preferences')
@ApiBearerAuth()
@Controller('preferences')
export class PreferencesController {
  constructor(private readonly preferences: PreferencesRepository) {}

  @Get()
  get(@CurrentPrincipal() p: Principal) {
    return this.preferences.get(p.subject);
  }

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
