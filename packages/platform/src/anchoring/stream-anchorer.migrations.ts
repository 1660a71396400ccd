import type { Migration } from '../persistence/database.js';

/**
 * The tables of every StreamAnchorer in a service's database: the hashes waiting or anchored (one row each) and
 * the batches cut from them. Several streams share them, told apart by `stream`.
 */
export const streamAnchorerMigrations: Migration[] = [
  {
    id: 'platform-stream-anchorer-0001',
    sql: `
      create table if not exists stream_anchor_entries (
        id bigserial primary key,
        stream text not null,
        data_hash text not null check (data_hash ~ '^0x[0-9a-f]{64}$'),
        anchor_seq bigint,
        batch_id bigint,
        created_at timestamptz not null default now(),
        unique (stream, anchor_seq)
      );
      create index if not exists stream_anchor_waiting on stream_anchor_entries (stream, id) where anchor_seq is null;
      create index if not exists stream_anchor_batch on stream_anchor_entries (batch_id, anchor_seq);
      create table if not exists stream_anchor_batches (
        id bigserial primary key,
        stream text not null,
        batch_index bigint not null,
        first_seq bigint not null,
        last_seq bigint not null,
        root text not null,
        status text not null default 'pending' check (status in ('pending', 'confirmed', 'rejected')),
        tx_hash text,
        block_number bigint,
        error text,
        created_at timestamptz not null default now()
      );
      create index if not exists stream_anchor_batches_stream on stream_anchor_batches (stream, status);
    `,
  },
];
