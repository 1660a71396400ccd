import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Roles } from '@uhr/platform';
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
  @Get('access')
  @Roles('auditor')
  access(@Query() q: AccessQueryDto) {
    return this.audit.entries({ subject: q.subject, resourceId: q.resourceId, limit: q.limit ?? 100 });
  }
}
