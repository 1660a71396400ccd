import { Injectable } from '@nestjs/common';
import { InvalidRequestError, NotFoundError, returnedRows } from '@uhr/platform';
import { DataSource, type EntityManager } from 'typeorm';

export interface InboxItem {
  id: string;
  eventId: string;
  type: string;
  role: string;
  severity: string;
  delivery: string;
  title: string;
  body: string;
  data: unknown;
  occurredAt: string;
  createdAt: string;
  readAt: string | null;
}

export interface NewInboxRow {
  id: string;
  recipient: string;
  eventId: string;
  type: string;
  role: string;
  severity: string;
  delivery: string;
  title: string;
  body: string;
  data: unknown;
  occurredAt: string;
}

interface Row {
  seq: string;
  id: string;
  recipient: string;
  event_id: string;
  event_type: string;
  recipient_role: string;
  severity: string;
  delivery: string;
  title: string;
  body: string;
  data: unknown;
  occurred_at: Date;
  created_at: Date;
  read_at: Date | null;
}

export const toItem = (r: Row): InboxItem => ({
  id: r.id,
  eventId: r.event_id,
  type: r.event_type,
  role: r.recipient_role,
  severity: r.severity,
  delivery: r.delivery,
  title: r.title,
  body: r.body,
  data: r.data,
  occurredAt: new Date(r.occurred_at).toISOString(),
  createdAt: new Date(r.created_at).toISOString(),
  readAt: r.read_at ? new Date(r.read_at).toISOString() : null,
});

/** The cursor is opaque to clients: the last row's position, newest first. */
const encodeCursor = (seq: string) => Buffer.from(`s${seq}`).toString('base64url');
function decodeCursor(cursor: string): string {
  const raw = Buffer.from(cursor, 'base64url').toString();
  if (!/^s\d{1,19}$/.test(raw)) throw new InvalidRequestError('InvalidCursor', 'cursor is not one this API returned');
  return raw.slice(1);
}

/** Per-user inbox in PostgreSQL. Every read is scoped by the caller's subject: no query takes another's. */
@Injectable()
export class InboxRepository {
  constructor(private readonly ds: DataSource) {}

  /** Inserts once per (recipient, event): a redelivered event finds its rows and adds nothing. */
  async insert(m: EntityManager, rows: NewInboxRow[]): Promise<InboxItem[]> {
    if (rows.length === 0) return [];
    const values: unknown[] = [];
    const tuples = rows.map((r, i) => {
      values.push(
        r.id,
        r.recipient,
        r.eventId,
        r.type,
        r.role,
        r.severity,
        r.delivery,
        r.title,
        r.body,
        JSON.stringify(r.data),
        r.occurredAt,
      );
      const b = i * 11;
      return `($${b + 1},$${b + 2},$${b + 3},$${b + 4},$${b + 5},$${b + 6},$${b + 7},$${b + 8},$${b + 9},$${b + 10}::jsonb,$${b + 11})`;
    });
    const inserted: Row[] = await m.query(
      `insert into inbox (id, recipient, event_id, event_type, recipient_role, severity, delivery, title, body, data, occurred_at)
       values ${tuples.join(',')}
       on conflict on constraint inbox_once_per_recipient do nothing
       returning *`,
      values,
    );
    return inserted.map(toItem);
  }

  async list(
    subject: string,
    cursor: string | undefined,
    limit: number,
  ): Promise<{ items: InboxItem[]; nextCursor: string | null }> {
    const before = cursor ? decodeCursor(cursor) : null;
    const rows: Row[] = await this.ds.query(
      `select * from inbox where recipient = $1 and ($2::bigint is null or seq < $2::bigint)
        order by seq desc limit $3`,
      [subject, before, limit + 1],
    );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return { items: page.map(toItem), nextCursor: rows.length > limit && last ? encodeCursor(last.seq) : null };
  }

  /** The caller's items after one they already have (SSE Last-Event-ID), oldest first; none if it is not theirs. */
  async after(subject: string, id: string, limit = 100): Promise<InboxItem[]> {
    const rows: Row[] = await this.ds.query(
      `select * from inbox where recipient = $1
          and seq > (select seq from inbox where id = $2 and recipient = $1)
        order by seq asc limit $3`,
      [subject, id, limit],
    );
    return rows.map(toItem);
  }

  async unreadCount(subject: string): Promise<number> {
    const rows: Array<{ n: number }> = await this.ds.query(
      'select count(*)::int as n from inbox where recipient = $1 and read_at is null',
      [subject],
    );
    return rows[0]?.n ?? 0;
  }

  /** Another user's item answers 404, exactly like a missing one: existence is not disclosed. */
  async markRead(subject: string, id: string): Promise<InboxItem> {
    const rows = returnedRows<Row>(
      await this.ds.query(
        `update inbox set read_at = coalesce(read_at, now()) where id = $1 and recipient = $2 returning *`,
        [id, subject],
      ),
    );
    if (!rows[0]) throw new NotFoundError('NotificationNotFound', `no notification ${id} in your inbox`);
    return toItem(rows[0]);
  }

  async markAllRead(subject: string): Promise<number> {
    const rows = returnedRows<unknown>(
      await this.ds.query('update inbox set read_at = now() where recipient = $1 and read_at is null returning 1', [
        subject,
      ]),
    );
    return rows.length;
  }

  async byId(id: string): Promise<{ recipient: string; item: InboxItem } | undefined> {
    const rows: Row[] = await this.ds.query('select * from inbox where id = $1', [id]);
    return rows[0] ? { recipient: rows[0].recipient, item: toItem(rows[0]) } : undefined;
  }

  /** Digest items not yet summarised, locked so two instances never summarise the same ones. */
  async takeDigestItems(
    m: EntityManager,
    subject: string,
  ): Promise<Array<{ type: string; title: string; id: string }>> {
    return returnedRows(
      await m.query(
        `update inbox set digested_at = now()
        where seq in (select seq from inbox where recipient = $1 and delivery = 'digest' and digested_at is null
                       for update skip locked)
        returning id, event_type as type, title`,
        [subject],
      ),
    );
  }
}
