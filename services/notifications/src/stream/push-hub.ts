import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { databaseUrl, LOGGER, PLATFORM_CONFIG, type PlatformConfig } from '@uhr/platform';
import pg from 'pg';
import type { Logger } from 'pino';
import { InboxRepository, type InboxItem } from '../inbox/inbox.repository.js';
import { PUSH_CHANNEL, type PushMessage } from './push-channel.js';

type Listener = (item: InboxItem) => void;

/**
 * Fans committed notifications out to the users connected to this instance. It LISTENs on the push channel
 * with one dedicated connection and reconnects if it drops (a push missed meanwhile is still in the inbox).
 */
@Injectable()
export class PushHub implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly listeners = new Map<string, Set<Listener>>();
  private client: pg.Client | undefined;
  private closed = false;
  private readonly url: string;

  constructor(
    @Inject(PLATFORM_CONFIG) config: PlatformConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly inbox: InboxRepository,
  ) {
    this.url = databaseUrl(config.pgUrl, config.database);
  }

  async onApplicationBootstrap() {
    await this.connect();
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    const client = new pg.Client({ connectionString: this.url });
    client.on('notification', (n) => void this.onNotification(n.payload));
    client.on('error', (err) => {
      this.logger.warn({ err: err.message }, 'push listener lost its connection; reconnecting');
      this.client = undefined;
      setTimeout(() => void this.connect(), 1000).unref();
    });
    try {
      await client.connect();
      await client.query(`listen ${PUSH_CHANNEL}`);
      this.client = client;
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'push listener could not connect; retrying');
      await client.end().catch(() => undefined);
      setTimeout(() => void this.connect(), 1000).unref();
    }
  }

  private async onNotification(payload: string | undefined): Promise<void> {
    if (!payload) return;
    let msg: PushMessage;
    try {
      msg = JSON.parse(payload) as PushMessage;
    } catch {
      return;
    }
    const listeners = this.listeners.get(msg.recipient);
    if (!listeners || listeners.size === 0) return;
    const item = 'item' in msg ? msg.item : (await this.inbox.byId(msg.id).catch(() => undefined))?.item;
    if (!item) return;
    for (const l of listeners) l(item);
  }

  subscribe(subject: string, listener: Listener): () => void {
    const set = this.listeners.get(subject) ?? new Set<Listener>();
    set.add(listener);
    this.listeners.set(subject, set);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(subject);
    };
  }

  get connections(): number {
    let n = 0;
    for (const s of this.listeners.values()) n += s.size;
    return n;
  }

  async onApplicationShutdown() {
    this.closed = true;
    await this.client?.end().catch(() => undefined);
  }
}
