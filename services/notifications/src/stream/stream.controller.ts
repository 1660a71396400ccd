import { Controller, Headers, Sse, type MessageEvent } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors, CurrentPrincipal, type Principal } from '@uhr/platform';
import { Observable } from 'rxjs';
import { InboxRepository, type InboxItem } from '../inbox/inbox.repository.js';
import { PushHub } from './push-hub.js';

const HEARTBEAT_MS = 15_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Server-Sent Events: the signed-in user's new notifications as they are committed. Authenticated like every
 * route, by `Authorization: Bearer <token>` (browsers: a fetch-based EventSource, see README). The first event,
 * `ready`, carries the unread count, so a client knows it is subscribed before it relies on pushes. A client
 * that reconnects with `Last-Event-ID` (what EventSource sends) first receives what it missed meanwhile.
 */
@ApiTags('stream')
@ApiBearerAuth()
@Controller('stream')
export class StreamController {
  constructor(
    private readonly hub: PushHub,
    private readonly inbox: InboxRepository,
  ) {}

  @ApiOperation({
    summary: 'Your new notifications as Server-Sent Events (any signed-in user)',
    description:
      '`Authorization: Bearer` like every route (a fetch-based EventSource in browsers; never a token in the ' +
      'query). `ready` first, with { unread }; then `notification` per new item (its `id:` the item id); ' +
      '`heartbeat` every 15 s. Reconnect with `Last-Event-ID` to receive what was missed first.',
  })
  @ApiResponse({ status: 200, description: 'a text/event-stream of `ready`, `notification` and `heartbeat` events' })
  @ApiErrors(401)
  @Sse()
  stream(@CurrentPrincipal() p: Principal, @Headers('last-event-id') lastEventId?: string): Observable<MessageEvent> {
    return new Observable<MessageEvent>((subscriber) => {
      const sent = new Set<string>();
      const send = (item: InboxItem) => {
        if (sent.has(item.id)) return;
        sent.add(item.id);
        subscriber.next({ type: 'notification', id: item.id, data: item });
      };
      // Subscribe before reading the backlog, so nothing committed in between is lost; `sent` drops doubles.
      const unsubscribe = this.hub.subscribe(p.subject, send);
      void (async () => {
        if (lastEventId && UUID.test(lastEventId)) {
          for (const item of await this.inbox.after(p.subject, lastEventId).catch(() => [])) send(item);
        }
        const unread = await this.inbox.unreadCount(p.subject).catch(() => null);
        subscriber.next({ type: 'ready', data: { unread } });
      })();
      const heartbeat = setInterval(() => subscriber.next({ type: 'heartbeat', data: {} }), HEARTBEAT_MS);
      return () => {
        clearInterval(heartbeat);
        unsubscribe();
      };
    });
  }
}
