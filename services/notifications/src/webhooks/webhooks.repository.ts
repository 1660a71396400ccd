import { randomBytes, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { ConflictError, NotFoundError, type Principal, returnedRows } from '@uhr/platform';
import { DataSource, type EntityManager } from 'typeorm';
import { WEBHOOK_KEY_RING, WebhookSecrets, type SealedSecret } from './webhook-secrets.js';

export const WEBHOOK_CHANNEL = 'uhr_notifications_webhooks';
export const DELIVERY_STATUSES = ['pending', 'delivered', 'dead'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export interface WebhookView {
  id: string;
  ownerSubject: string;
  url: string;
  eventTypes: string[];
  createdBy: string;
  createdAt: string;
}

export interface DeliveryView {
  id: string;
  webhookId: string;
  eventId: string;
  eventType: string;
  status: DeliveryStatus;
  attempts: number;
  replays: number;
  nextAttemptAt: string;
  lastStatus: number | null;
  lastError: string | null;
  deliveredAt: string | null;
  createdAt: string;
}

/** A delivery leased to one dispatcher, with what it needs to send and sign. */
export interface ClaimedDelivery {
  id: string;
  url: string;
  secret: string;
  eventType: string;
  body: unknown;
  attempts: number;
}

interface HookRow {
  id: string;
  owner_subject: string;
  url: string;
  event_types: string[];
  created_by: string;
  created_at: Date;
}
interface DeliveryRow {
  id: string;
  webhook_id: string;
  event_id: string;
  event_type: string;
  status: DeliveryStatus;
  attempts: number;
  replays: number;
  next_attempt_at: Date;
  last_status: number | null;
  last_error: string | null;
  delivered_at: Date | null;
  created_at: Date;
}

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);
const toHook = (r: HookRow): WebhookView => ({
  id: r.id,
  ownerSubject: r.owner_subject,
  url: r.url,
  eventTypes: r.event_types,
  createdBy: r.created_by,
  createdAt: iso(r.created_at)!,
});
const toDelivery = (r: DeliveryRow): DeliveryView => ({
  id: r.id,
  webhookId: r.webhook_id,
  eventId: r.event_id,
  eventType: r.event_type,
  status: r.status,
  attempts: r.attempts,
  replays: r.replays,
  nextAttemptAt: iso(r.next_attempt_at)!,
  lastStatus: r.last_status,
  lastError: r.last_error,
  deliveredAt: iso(r.delivered_at),
  createdAt: iso(r.created_at)!,
});

const isAdmin = (p: Principal) => p.roles.includes('admin');

/** Organisations' webhooks and their deliveries. Non-admins see only their organisation's, others are 404. */
@Injectable()
export class WebhooksRepository {
  constructor(
    private readonly ds: DataSource,
    @Inject(WEBHOOK_KEY_RING) private readonly secrets: WebhookSecrets,
  ) {}

  async create(
    owner: string,
    url: string,
    eventTypes: string[],
    by: string,
  ): Promise<WebhookView & { secret: string }> {
    const id = randomUUID();
    const secret = `whsec_${randomBytes(32).toString('base64url')}`;
    const rows: HookRow[] = await this.ds.query(
      `insert into webhooks (id, owner_subject, url, secret_sealed, event_types, created_by) values ($1,$2,$3,$4::jsonb,$5,$6)
       returning *`,
      [id, owner, url, JSON.stringify(this.secrets.seal(id, secret)), eventTypes, by],
    );
    return { ...toHook(rows[0]!), secret };
  }

  async list(p: Principal): Promise<WebhookView[]> {
    const rows: HookRow[] = await this.ds.query(
      'select * from webhooks where $1::text is null or owner_subject = $1 order by created_at desc',
      [isAdmin(p) ? null : p.subject],
    );
    return rows.map(toHook);
  }

  async get(p: Principal, id: string): Promise<WebhookView> {
    const rows: HookRow[] = await this.ds.query('select * from webhooks where id = $1', [id]);
    const row = rows[0];
    if (!row || (!isAdmin(p) && row.owner_subject !== p.subject)) {
      throw new NotFoundError('WebhookNotFound', `no webhook ${id} for your organisation`);
    }
    return toHook(row);
  }

  async delete(p: Principal, id: string): Promise<void> {
    await this.get(p, id);
    await this.ds.query('delete from webhooks where id = $1', [id]);
  }

  async deliveries(
    p: Principal,
    webhookId: string,
    status: DeliveryStatus | undefined,
    limit: number,
  ): Promise<DeliveryView[]> {
    await this.get(p, webhookId);
    const rows: DeliveryRow[] = await this.ds.query(
      `select * from webhook_deliveries where webhook_id = $1 and ($2::text is null or status = $2)
        order by created_at desc limit $3`,
      [webhookId, status ?? null, limit],
    );
    return rows.map(toDelivery);
  }

  /** A dead delivery goes back to the queue with a fresh attempt budget. */
  async replay(p: Principal, deliveryId: string): Promise<DeliveryView> {
    return this.ds.transaction(async (m) => {
      const rows: Array<DeliveryRow & { owner_subject: string }> = await m.query(
        `select d.*, w.owner_subject from webhook_deliveries d join webhooks w on w.id = d.webhook_id
          where d.id = $1 for update of d`,
        [deliveryId],
      );
      const row = rows[0];
      if (!row || (!isAdmin(p) && row.owner_subject !== p.subject)) {
        throw new NotFoundError('DeliveryNotFound', `no delivery ${deliveryId} for your organisation`);
      }
      if (row.status !== 'dead') {
        throw new ConflictError('DeliveryNotDead', `delivery is ${row.status}; only dead deliveries are replayed`);
      }
      const updated = returnedRows<DeliveryRow>(
        await m.query(
          `update webhook_deliveries set status = 'pending', attempts = 0, replays = replays + 1, next_attempt_at = now(),
           lease_until = null, updated_at = now() where id = $1 returning *`,
          [deliveryId],
        ),
      );
      await m.query(`select pg_notify('${WEBHOOK_CHANNEL}', '')`);
      return toDelivery(updated[0]!);
    });
  }

  /** In the consumer's transaction: one delivery per matching webhook of each recipient organisation. */
  async enqueue(m: EntityManager, event: { id: string; type: string }, bodies: Map<string, unknown>): Promise<number> {
    const owners = [...bodies.keys()];
    if (owners.length === 0) return 0;
    const hooks: Array<{ id: string; owner_subject: string }> = await m.query(
      `select id, owner_subject from webhooks
        where owner_subject = any($1::text[]) and (cardinality(event_types) = 0 or $2 = any(event_types))`,
      [owners, event.type],
    );
    let n = 0;
    for (const h of hooks) {
      const id = randomUUID();
      const body = { deliveryId: id, ...(bodies.get(h.owner_subject) as object) };
      const rows: unknown[] = await m.query(
        `insert into webhook_deliveries (id, webhook_id, event_id, event_type, body) values ($1,$2,$3,$4,$5::jsonb)
         on conflict on constraint webhook_delivery_once do nothing returning 1`,
        [id, h.id, event.id, event.type, JSON.stringify(body)],
      );
      n += rows.length;
    }
    if (n > 0) await m.query(`select pg_notify('${WEBHOOK_CHANNEL}', '')`);
    return n;
  }

  /** Leases due deliveries: a dispatcher that dies mid-send loses its lease and another retries. */
  async claim(limit: number, leaseMs: number): Promise<ClaimedDelivery[]> {
    type Claimed = {
      id: string;
      webhook_id: string;
      url: string;
      secret: string | null;
      secret_sealed: SealedSecret | null;
      event_type: string;
      body: unknown;
      attempts: number;
    };
    const rows = returnedRows<Claimed>(
      await this.ds.query(
        `update webhook_deliveries d set lease_until = now() + ($2::int * interval '1 millisecond')
           from webhooks w
          where w.id = d.webhook_id and d.id in (
            select id from webhook_deliveries
             where status = 'pending' and next_attempt_at <= now() and (lease_until is null or lease_until < now())
             order by next_attempt_at limit $1 for update skip locked)
        returning d.id, d.webhook_id, w.url, w.secret, w.secret_sealed, d.event_type, d.body, d.attempts`,
        [limit, leaseMs],
      ),
    );
    return rows.map((r) => ({
      id: r.id,
      url: r.url,
      secret: r.secret_sealed ? this.secrets.open(r.webhook_id, r.secret_sealed) : (r.secret ?? ''),
      eventType: r.event_type,
      body: r.body,
      attempts: r.attempts,
    }));
  }

  async markDelivered(id: string, status: number): Promise<void> {
    await this.ds.query(
      `update webhook_deliveries set status = 'delivered', attempts = attempts + 1, last_status = $2, last_error = null,
         delivered_at = now(), lease_until = null, updated_at = now() where id = $1`,
      [id, status],
    );
  }

  /** A failed attempt: retry after `delayMs`, or dead once the budget is spent. */
  async markFailed(id: string, status: number | null, error: string, dead: boolean, delayMs: number): Promise<void> {
    await this.ds.query(
      `update webhook_deliveries set status = case when $4 then 'dead' else 'pending' end, attempts = attempts + 1,
         last_status = $2, last_error = $3, next_attempt_at = now() + ($5::int * interval '1 millisecond'),
         lease_until = null, updated_at = now() where id = $1`,
      [id, status, error.slice(0, 500), dead, delayMs],
    );
  }

  /** Milliseconds until the next pending delivery is due (null: none pending). */
  async msUntilNextDue(): Promise<number | null> {
    const rows: Array<{ ms: number | null }> = await this.ds.query(
      `select extract(epoch from (min(greatest(next_attempt_at, coalesce(lease_until, next_attempt_at))) - now())) * 1000 as ms
         from webhook_deliveries where status = 'pending'`,
    );
    const ms = rows[0]?.ms;
    return ms === null || ms === undefined ? null : Math.max(0, Number(ms));
  }
}
