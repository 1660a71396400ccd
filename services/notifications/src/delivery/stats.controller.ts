import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Roles } from '@uhr/platform';
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

  @Get()
  async stats() {
    return {
      consumer: this.consumer.counts(),
      skippedEvents: await this.skipped.countsByReason(),
    };
  }
}
