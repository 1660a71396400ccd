import type { Migration } from '@uhr/platform';

export const notificationsMigrations: Migration[] = [
  {
    id: 'notifications-0001-inbox-preferences-webhooks',
    sql: `
      create table inbox (
        seq bigserial primary key,
        id uuid not null unique,
        recipient text not null,
        -- The envelope id, or "digest:<date>" for a digest: with recipient, what makes a row exactly-once.
        event_id text not null,
        event_type text not null,
        recipient_role text not null,
        severity text not null,
        delivery text not null,
        title text not null,
        body text not null,
        data jsonb not null,
        occurred_at timestamptz not null,
        -- clock_timestamp, not now(): the benchmark measures publish → row, not publish → transaction start.
        created_at timestamptz not null default clock_timestamp(),
        read_at timestamptz,
        digested_at timestamptz,
        constraint inbox_once_per_recipient unique (recipient, event_id)
      );
      create index inbox_by_recipient on inbox (recipient, seq desc);
      create index inbox_unread on inbox (recipient) where read_at is null;
      create index inbox_digest_pending on inbox (recipient) where delivery = 'digest' and digested_at is null;

      create table preferences (
        subject text primary key,
        muted_types text[] not null default '{}',
        quiet_start text,
        quiet_end text,
        quiet_timezone text,
        digest_daily boolean not null default false,
        digest_at text not null default '08:00',
        digest_timezone text not null default 'UTC',
        updated_at timestamptz not null default now()
      );
      create index preferences_digest on preferences (subject) where digest_daily;

      -- Events taken but not turned into notifications, with why: unknown types, bad payloads, mutes.
      create table skipped_events (
        id bigserial primary key,
        event_id text not null,
        event_type text not null,
        reason text not null,
        recipient text,
        detail text,
        created_at timestamptz not null default now()
      );
      create index skipped_events_reason on skipped_events (reason);

      create table webhooks (
        id uuid primary key,
        owner_subject text not null,
        url text not null,
        secret text not null,
        event_types text[] not null default '{}',
        created_by text not null,
        created_at timestamptz not null default now()
      );
      create index webhooks_owner on webhooks (owner_subject);

      create table webhook_deliveries (
        id uuid primary key,
        webhook_id uuid not null references webhooks (id) on delete cascade,
        event_id text not null,
        event_type text not null,
        body jsonb not null,
        status text not null default 'pending',
        attempts integer not null default 0,
        replays integer not null default 0,
        next_attempt_at timestamptz not null default now(),
        lease_until timestamptz,
        last_status integer,
        last_error text,
        delivered_at timestamptz,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        constraint webhook_delivery_once unique (webhook_id, event_id)
      );
      create index webhook_deliveries_due on webhook_deliveries (next_attempt_at) where status = 'pending';
      create index webhook_deliveries_by_hook on webhook_deliveries (webhook_id, status, created_at desc);
    `,
  },
  {
    // Events skipped for a bad payload or an unknown version keep their envelope, so they can be replayed once
    // the emitter or this service is fixed (their id is already in uhr_processed_messages).
    id: 'notifications-0002-skipped-envelope',
    sql: 'alter table skipped_events add column envelope jsonb',
  },
  {
    // Signing secrets are stored encrypted (WebhookSecrets); the plaintext column stays only for rows written before.
    id: 'notifications-0003-sealed-webhook-secrets',
    sql: 'alter table webhooks add column secret_sealed jsonb; alter table webhooks alter column secret drop not null;',
  },
];
