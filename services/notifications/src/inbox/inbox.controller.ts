import { Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal } from '@uhr/platform';
import { InboxQueryDto } from './inbox.dto.js';
import { InboxRepository } from './inbox.repository.js';

/** The caller's own inbox, newest first. There is no route that names another user. */
@ApiTags('inbox')
@ApiBearerAuth()
@Controller('inbox')
export class InboxController {
  constructor(private readonly inbox: InboxRepository) {}

  @Get()
  list(@Query() q: InboxQueryDto, @CurrentPrincipal() p: Principal) {
    return this.inbox.list(p.subject, q.cursor, q.limit ?? 20);
  }

  @Get('unread-count')
  async unreadCount(@CurrentPrincipal() p: Principal) {
    return { unread: await this.inbox.unreadCount(p.subject) };
  }

  @Post('read-all')
  @HttpCode(200)
  async readAll(@CurrentPrincipal() p: Principal) {
    return { marked: await this.inbox.markAllRead(p.subject) };
  }

  @Post(':id/read')
  @HttpCode(200)
  read(@Param('id', new ParseUUIDPipe()) id: string, @CurrentPrincipal() p: Principal) {
    return this.inbox.markRead(p.subject, id);
  }
}
