import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiPropertyOptional, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors, CurrentPrincipal, Roles, type Principal } from '@uhr/platform';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { CallerResolver } from '../master-data/caller.js';
import { AlertRepository } from './alert.repository.js';

export class AlertQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;
}

/** Alerts a party is concerned by; auditors and administrators see them all. */
@ApiTags('alerts')
@ApiBearerAuth()
@Controller('alerts')
export class AlertsController {
  constructor(
    private readonly alerts: AlertRepository,
    private readonly callers: CallerResolver,
  ) {}

  @Get()
  @Roles('manufacturer', 'distributor', 'pharmacist', 'auditor', 'admin')
  @ApiOperation({
    summary: 'Anomaly alerts concerning your party; every alert for auditors and administrators',
    description: '`limit` 1–500, default 100.',
  })
  @ApiResponse({ status: 200, description: '{ alerts }: rule, subject, severity, evidence, count, lastSeenAt' })
  @ApiErrors(400, 401, 403, 503)
  async list(@CurrentPrincipal() p: Principal, @Query() q: AlertQueryDto) {
    const caller = await this.callers.of(p);
    return { alerts: await this.alerts.list(caller.kind === 'party' ? caller.party.id : undefined, q.limit ?? 100) };
  }
}
