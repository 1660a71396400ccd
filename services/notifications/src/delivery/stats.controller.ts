import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Roles } from '@uhr/platform';
import { InboxRepository } from '../inbox/inbox.repository.js';
import { NotificationsConsumer } from './notifications.consumer.js';

/** What operators watch: events this instance applied or skipped as duplicates, and skips by reason. */
@ApiTags('stats')
@ApiBearerAuth()
@Roles('admin', 'auditor')
@Controller('stats')
export class StatsController {
  constructor(
    private readonly consumer: NotificationsConsumer,
    private readonly inbox: InboxRepository,
  ) {}

  @Get()
  async stats() {
    return {
      consumer: this.consumer.counts(),
      skippedEvents: await this.inbox.skipCounts(),
    };
  }
}
