import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors, Roles } from '@uhr/platform';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { AccessAudit } from './access-audit.js';

export class AccessQueryDto {
  @IsOptional()
  @IsString()
  @MaxLength(100)
  subject?: string;

  @IsOptional()
  @IsString()
  @MaxLength(100)
  resourceId?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;
}

@ApiTags('audit')
@ApiBearerAuth()
@Controller('audit')
export class AuditController {
  constructor(private readonly audit: AccessAudit) {}

  /** Every read of donors, organs, candidates and runs, newest first: auditors only. */
  @ApiOperation({
    summary: 'Every read of donors, organs, candidates and runs, newest first (auditors)',
    description: 'Filter by `subject` (who read) or `resourceId`; `limit` 1–1,000, default 100.',
  })
  @ApiResponse({
    status: 200,
    description: 'the access log entries: who (subject, username, roles), what, which action, when',
  })
  @ApiErrors(400, 401, 403, 503)
  @Get('access')
  @Roles('auditor')
  access(@Query() q: AccessQueryDto) {
    return this.audit.entries({ subject: q.subject, resourceId: q.resourceId, limit: q.limit ?? 100 });
  }
}
