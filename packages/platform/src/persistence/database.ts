import pg from 'pg';
import { DataSource, type EntityManager, type MixedList, type EntitySchema } from 'typeorm';

export interface Migration {
  /** Unique and never renamed: applied ids are recorded in uhr_migrations. */
  id: string;
  sql: string;
}

/** Creates the service's own database on first boot (one database per service, ARCHITECTURE.md). */
export async function ensureDatabase(pgUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: pgUrl });
  await client.connect();
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [database]);
    if (found.rowCount === 0) {
      try {
        await client.query(`create database "${database}"`);
      } catch (err) {
        // Two instances booting at once: the loser sees duplicate_database, which is fine.
        if ((err as { code?: string }).code !== '42P04') throw err;
      }
    }
  } finally {
    await client.end();
  }
}

export function databaseUrl(pgUrl: string, database: string): string {
  const url = new URL(pgUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

export async function openDataSource(opts: {
  pgUrl: string;
  database: string;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities?: MixedList<Function | string | EntitySchema>;
  poolSize?: number;
}): Promise<DataSource> {
  await ensureDatabase(opts.pgUrl, opts.database);
  const ds = new DataSource({
    type: 'postgres',
    url: databaseUrl(opts.pgUrl, opts.database),
    entities: opts.entities ?? [],
    synchronize: false,
    extra: { max: opts.poolSize ?? 10 },
  });
  await ds.initialize();
  return ds;
}

/** Applies migrations in order, once, under an advisory lock so parallel instances do not race. */
export async function migrate(ds: DataSource, migrations: Migration[]): Promise<string[]> {
  const applied: string[] = [];
  await ds.transaction(async (m: EntityManager) => {
    await m.query('select pg_advisory_xact_lock(hashtext($1))', ['uhr_migrations']);
    await m.query(
      'create table if not exists uhr_migrations (id text primary key, applied_at timestamptz not null default now())',
    );
    const rows: Array<{ id: string }> = await m.query('select id from uhr_migrations');
    const done = new Set(rows.map((r) => r.id));
    for (const mig of migrations) {
      if (done.has(mig.id)) continue;
      await m.query(mig.sql);
      await m.query('insert into uhr_migrations (id) values ($1)', [mig.id]);
      applied.push(mig.id);
    }
  });
  return applied;
}

/** Tables the platform itself owns in every service database. */
export const platformMigrations: Migration[] = [
  {
    id: 'platform-0001-event-store-outbox',
    sql: `
      create table uhr_events (
        global_position bigserial primary key,
        id uuid not null unique,
        stream_id text not null,
        sequence integer not null,
        type text not null,
        version integer not null,
        payload jsonb not null,
        actor text not null,
        correlation_id text not null,
        causation_id text not null,
        occurred_at timestamptz not null,
        unique (stream_id, sequence)
      );
      create table uhr_outbox (
        id bigserial primary key,
        event_id uuid not null,
        topic text not null,
        key text not null,
        message jsonb not null,
        created_at timestamptz not null default now(),
        published_at timestamptz,
        attempts integer not null default 0,
        next_attempt_at timestamptz not null default now(),
        last_error text
      );
      create index uhr_outbox_pending on uhr_outbox (id) where published_at is null;
      create table uhr_processed_messages (
        consumer text not null,
        message_id uuid not null,
        processed_at timestamptz not null default now(),
        primary key (consumer, message_id)
      );
      create table uhr_dead_letters (
        id bigserial primary key,
        consumer text not null,
        topic text not null,
        partition integer not null,
        "offset" text not null,
        reason text not null,
        raw text,
        created_at timestamptz not null default now()
      );
      create table uhr_chain_tx (
        id bigserial primary key,
        job_key text not null unique,
        kind text not null,
        request jsonb not null,
        status text not null default 'pending',
        nonce bigint,
        tx_hash text,
        raw_tx text,
        block_number bigint,
        attempts integer not null default 0,
        next_attempt_at timestamptz not null default now(),
        last_error text,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      );
      create index uhr_chain_tx_open on uhr_chain_tx (id) where status in ('pending', 'submitted');
    `,
  },
  {
    // The pipelined chain writer (ADR 0010): the confirming block's hash, to notice when it leaves the chain,
    // and whether the service has been told of the confirmation (so a re-confirmation is not told twice).
    id: 'platform-0002-chain-tx-blocks',
    sql: `
      alter table uhr_chain_tx add column block_hash text, add column announced boolean not null default false;
      update uhr_chain_tx set announced = true where status = 'confirmed';
      create index uhr_chain_tx_confirmed_blocks on uhr_chain_tx (block_number desc)
        where status = 'confirmed' and block_hash is not null;
      create index uhr_chain_tx_submitted_nonces on uhr_chain_tx (nonce) where status = 'submitted';
    `,
  },
  {
    // Idempotency-Key (ADR 0019): one row per caller, endpoint and key; the first attempt's answer once it has
    // one. Whether a crashed attempt committed is read from uhr_events by its correlation id.
    id: 'platform-0003-idempotency-keys',
    sql: `
      create table uhr_idempotency_keys (
        principal text not null,
        endpoint text not null,
        key text not null,
        fingerprint text not null,
        state text not null default 'in_flight',
        correlation_id text not null,
        claimed_at timestamptz not null,
        locked_until timestamptz not null,
        status integer,
        body jsonb,
        expires_at timestamptz not null,
        primary key (principal, endpoint, key)
      );
      create index uhr_idempotency_keys_expiry on uhr_idempotency_keys (expires_at);
      create index uhr_events_correlation on uhr_events (correlation_id);
    `,
  },
];
