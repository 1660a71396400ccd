import { Controller, Sse, type MessageEvent } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal } from '@uhr/platform';
import { Observable } from 'rxjs';
import { InboxRepository } from '../inbox/inbox.repository.js';
import { PushHub } from './push-hub.js';

const HEARTBEAT_MS = 15_000;

/**
 * Server-Sent Events: the signed-in user's new notifications as they are committed. Authenticated like every
 * route, by `Authorization: Bearer <token>` (browsers: a fetch-based EventSource, see README). The first event,
 * `ready`, carries the unread count, so a client knows it is subscribed before it relies on pushes.
 */
@ApiTags('stream')
@ApiBearerAuth()
@Controller('stream')
export class StreamController {
  constructor(
    private readonly hub: PushHub,
    private readonly inbox: InboxRepository,
  ) {}

  @Sse()
  stream(@CurrentPrincipal() p: Principal): Observable<MessageEvent> {
    return new Observable<MessageEvent>((subscriber) => {
      const unsubscribe = this.hub.subscribe(p.subject, (item) =>
        subscriber.next({ type: 'notification', id: item.id, data: item }),
      );
      void this.inbox
        .unreadCount(p.subject)
        .then((unread) => subscriber.next({ type: 'ready', data: { unread } }))
        .catch(() => subscriber.next({ type: 'ready', data: { unread: null } }));
      const heartbeat = setInterval(() => subscriber.next({ type: 'heartbeat', data: {} }), HEARTBEAT_MS);
      return () => {
        clearInterval(heartbeat);
        unsubscribe();
      };
    });
  }
}
