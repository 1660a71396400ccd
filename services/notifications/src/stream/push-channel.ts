import type { EntityManager } from 'typeorm';
import type { InboxItem } from '../inbox/inbox.repository.js';

/**
 * Live pushes travel through PostgreSQL NOTIFY, sent inside the transaction that writes the inbox row: it is
 * delivered only on commit, to every instance, so a user connected to any replica hears it exactly when the
 * row exists. NOTIFY payloads are capped at 8000 bytes: a large item travels as its id and is read back.
 */
export const PUSH_CHANNEL = 'uhr_notifications_push';
const MAX_NOTIFY_BYTES = 7900;

export type PushMessage = { recipient: string; item: InboxItem } | { recipient: string; id: string };

export async function notifyPush(m: EntityManager, recipient: string, item: InboxItem): Promise<void> {
  let payload = JSON.stringify({ recipient, item } satisfies PushMessage);
  if (Buffer.byteLength(payload) > MAX_NOTIFY_BYTES)
    payload = JSON.stringify({ recipient, id: item.id } satisfies PushMessage);
  await m.query('select pg_notify($1, $2)', [PUSH_CHANNEL, payload]);
}
