import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors, Roles } from '@uhr/platform';
import { NotificationsConsumer } from './notifications.consumer.js';
import { SkippedEventsRepository } from './skipped-events.repository.js';

/** What operators watch: events this instance applied or skipped as duplicates, and skips by reason. */
@ApiTags('stats')
@ApiBearerAuth()
@Roles('admin', 'auditor')
@Controller('stats')
export class StatsController {
  constructor(
    private readonly consumer: NotificationsConsumer,
    private readonly skipped: SkippedEventsRepository,
  ) {}

  @ApiOperation({
    summary: 'Events this replica applied or skipped as duplicates, and skips by reason (administrators, auditors)',
  })
  @ApiResponse({
    status: 200,
    description: '{ consumer: { processed, duplicatesSkipped }, skippedEvents: { <reason>: count } }',
  })
  @ApiErrors(401, 403, 503)
  @Get()
  async stats() {
    return {
      consumer: this.consumer.counts(),
      skippedEvents: await this.skipped.countsByReason(),
    };
  }
}
