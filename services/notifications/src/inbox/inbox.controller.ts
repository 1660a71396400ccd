import { Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors, CurrentPrincipal, type Principal } from '@uhr/platform';
import { InboxQueryDto } from './inbox.dto.js';
import { InboxRepository } from './inbox.repository.js';

/** The caller's own inbox, newest first. There is no route that names another user. */
@ApiTags('inbox')
@ApiBearerAuth()
@Controller('inbox')
export class InboxController {
  constructor(private readonly inbox: InboxRepository) {}

  @ApiOperation({
    summary: 'Your notifications, newest first (any signed-in user)',
    description:
      '`limit` 1–100, default 20; `cursor` is the `nextCursor` of the page before (400 InvalidCursor otherwise).',
  })
  @ApiResponse({ status: 200, description: '{ items, nextCursor } (nextCursor null on the last page)' })
  @ApiErrors(400, 401, 503)
  @Get()
  list(@Query() q: InboxQueryDto, @CurrentPrincipal() p: Principal) {
    return this.inbox.list(p.subject, q.cursor, q.limit ?? 20);
  }

  @ApiOperation({ summary: 'How many of your notifications are unread (any signed-in user)' })
  @ApiResponse({ status: 200, description: '{ unread }' })
  @ApiErrors(401, 503)
  @Get('unread-count')
  async unreadCount(@CurrentPrincipal() p: Principal) {
    return { unread: await this.inbox.unreadCount(p.subject) };
  }

  @ApiOperation({ summary: 'Mark every notification of yours read (any signed-in user)' })
  @ApiResponse({ status: 200, description: '{ marked }: how many were unread' })
  @ApiErrors(401, 503)
  @Post('read-all')
  @HttpCode(200)
  async readAll(@CurrentPrincipal() p: Principal) {
    return { marked: await this.inbox.markAllRead(p.subject) };
  }

  @ApiOperation({
    summary: 'Mark one of your notifications read (any signed-in user)',
    description: '404 NotificationNotFound for another user’s item as for a missing one: existence is not disclosed.',
  })
  @ApiResponse({ status: 200, description: 'the item, with its `readAt`' })
  @ApiErrors(400, 401, 404, 503)
  @Post(':id/read')
  @HttpCode(200)
  read(@Param('id', new ParseUUIDPipe()) id: string, @CurrentPrincipal() p: Principal) {
    return this.inbox.markRead(p.subject, id);
  }
}
