import type { DataSource, EntityManager } from 'typeorm';
import { envelopeOf, type DomainEvent, type EventContext, type EventEnvelope } from '../events/envelope.js';

export class ConcurrencyError extends Error {
  constructor(
    readonly streamId: string,
    readonly expected: number,
  ) {
    super(`stream ${streamId} changed since version ${expected}`);
    this.name = 'ConcurrencyError';
  }
}

interface EventRow {
  id: string;
  stream_id: string;
  sequence: number;
  type: string;
  version: number;
  payload: unknown;
  actor: string;
  correlation_id: string;
  causation_id: string;
  occurred_at: Date;
}

const toEnvelope = (r: EventRow): EventEnvelope => ({
  id: r.id,
  type: r.type,
  version: r.version,
  aggregateId: r.stream_id,
  sequence: r.sequence,
  occurredAt: new Date(r.occurred_at).toISOString(),
  actor: r.actor,
  correlationId: r.correlation_id,
  causationId: r.causation_id,
  payload: r.payload,
});

/** Events for one stream, after `expectedVersion`; `ctx` when this stream's command had its own (group commit). */
export interface AppendStream {
  streamId: string;
  expectedVersion: number;
  events: readonly DomainEvent[];
  ctx?: EventContext;
}

/** How an aggregate's events fold into its state, and the topic they are published on. */
export interface AggregateFold<S, E extends DomainEvent> {
  initial: S;
  evolve: (state: S, event: E) => S;
  topic: string;
}

/** Wakes the outbox relay right after commit instead of waiting for its next poll. */
export const OUTBOX_CHANNEL = 'uhr_outbox';

/**
 * PostgreSQL event store. `append` writes the events and their outbox rows with the caller's transaction, so a
 * command's effects and what it publishes commit or roll back together (rule 1, "nothing is lost").
 */
export class EventStore {
  constructor(private readonly ds: DataSource) {}

  async load(streamId: string, manager: EntityManager = this.ds.manager): Promise<EventEnvelope[]> {
    const rows: EventRow[] = await manager.query('select * from uhr_events where stream_id = $1 order by sequence', [
      streamId,
    ]);
    return rows.map(toEnvelope);
  }

  /**
   * One command on an event-sourced aggregate, in the caller's transaction: the stream loaded and folded into
   * its state, `decide` asked for the events, those appended after what was loaded (a concurrent writer makes it
   * a ConcurrencyError), and each handed to `project` for the service's read tables. What every service's
   * repository did by hand.
   */
  async execute<S, E extends DomainEvent>(
    manager: EntityManager,
    streamId: string,
    aggregate: AggregateFold<S, E>,
    decide: (state: S) => readonly E[],
    ctx: EventContext,
    project: (envelope: EventEnvelope) => Promise<void>,
  ): Promise<EventEnvelope[]> {
    const history = await this.load(streamId, manager);
    const state = history.reduce<S>(
      (s, env) => aggregate.evolve(s, { type: env.type, version: env.version, payload: env.payload } as E),
      aggregate.initial,
    );
    const envelopes = await this.append(manager, streamId, history.length, decide(state), ctx, aggregate.topic);
    for (const env of envelopes) await project(env);
    return envelopes;
  }

  /**
   * Appends after `expectedVersion` (0 for a new stream). A concurrent writer that got there first makes the
   * unique (stream_id, sequence) constraint fail, reported as ConcurrencyError.
   */
  async append(
    manager: EntityManager,
    streamId: string,
    expectedVersion: number,
    events: readonly DomainEvent[],
    ctx: EventContext,
    topic: string,
  ): Promise<EventEnvelope[]> {
    return this.appendMany(manager, [{ streamId, expectedVersion, events }], ctx, topic);
  }

  /**
   * Appends to several streams at once (bulk ingest) — events, their outbox rows and the relay's wake-up in ONE
   * statement, so a command costs one round trip to PostgreSQL however many events it has. Atomic on its own,
   * and part of the caller's transaction when there is one. Any stream that moved on fails the whole statement
   * with ConcurrencyError (naming that stream).
   */
  async appendMany(
    manager: EntityManager,
    streams: ReadonlyArray<AppendStream>,
    ctx: EventContext,
    topic: string,
  ): Promise<EventEnvelope[]> {
    const envelopes = envelopesOf(streams, ctx);
    if (envelopes.length === 0) return envelopes;
    const part = appendSql(envelopes, topic, { name: 'app', firstParam: 1 });
    await withConcurrencyErrors(streams, () =>
      manager.query(`with ${part.ctes} select pg_notify('${OUTBOX_CHANNEL}', '')`, part.params),
    );
    return envelopes;
  }
}

/** Envelopes for appending `events` after each stream's expected version. */
export function envelopesOf(streams: ReadonlyArray<AppendStream>, ctx: EventContext): EventEnvelope[] {
  return streams.flatMap((st) =>
    st.events.map((e, i) => envelopeOf(e, st.streamId, st.expectedVersion + i + 1, st.ctx ?? ctx)),
  );
}

/**
 * The common table expressions that append `envelopes` (events + outbox rows, in order), for a repository that
 * writes its own rows in the same statement — one round trip for a whole command. `when` (SQL) appends only if
 * true, so one statement can carry alternatives (an allowed read or, if its nonce was already spent, a denial).
 * Parameters are numbered from `firstParam`; the statement should end with `select pg_notify('uhr_outbox', '')`.
 */
export function appendSql(
  envelopes: readonly EventEnvelope[],
  topic: string,
  opts: { name: string; firstParam: number; when?: string },
): { ctes: string; params: unknown[] } {
  const col = <T>(f: (e: EventEnvelope) => T) => envelopes.map(f);
  const $ = (i: number) => `$${opts.firstParam + i}`;
  const n = opts.name;
  const when = opts.when ? `where ${opts.when}` : '';
  return {
    ctes: `${n}_in as (
           select * from unnest(${$(0)}::uuid[], ${$(1)}::text[], ${$(2)}::int[], ${$(3)}::text[], ${$(4)}::int[],
                                ${$(5)}::jsonb[], ${$(6)}::text[], ${$(7)}::text[], ${$(8)}::text[],
                                ${$(9)}::timestamptz[], ${$(10)}::jsonb[])
             with ordinality as t(id, stream_id, sequence, type, version, payload, actor, correlation_id,
                                  causation_id, occurred_at, message, ord)
         ),
         ${n}_ev as (
           insert into uhr_events (id, stream_id, sequence, type, version, payload, actor, correlation_id,
             causation_id, occurred_at)
           select id, stream_id, sequence, type, version, payload, actor, correlation_id, causation_id, occurred_at
             from ${n}_in ${when} order by ord
         ),
         ${n}_ob as (
           insert into uhr_outbox (event_id, topic, key, message)
           select id, ${$(11)}, stream_id, message from ${n}_in ${when} order by ord
         )`,
    params: [
      col((e) => e.id),
      col((e) => e.aggregateId),
      col((e) => e.sequence),
      col((e) => e.type),
      col((e) => e.version),
      col((e) => JSON.stringify(e.payload)),
      col((e) => e.actor),
      col((e) => e.correlationId),
      col((e) => e.causationId),
      col((e) => e.occurredAt),
      col((e) => JSON.stringify(e)),
      topic,
    ],
  };
}

/** Runs `write`, turning a (stream_id, sequence) unique violation into ConcurrencyError for that stream. */
export async function withConcurrencyErrors<T>(
  streams: ReadonlyArray<{ streamId: string; expectedVersion: number }>,
  write: () => Promise<T>,
): Promise<T> {
  try {
    return await write();
  } catch (err) {
    const e = err as { code?: string; detail?: string };
    if (e.code === '23505' && /\(stream_id, sequence\)/.test(e.detail ?? '')) {
      const taken = /\(stream_id, sequence\)=\((.*), \d+\)/.exec(e.detail ?? '')?.[1];
      const stream = streams.find((st) => st.streamId === taken) ?? streams[0];
      if (stream) throw new ConcurrencyError(stream.streamId, stream.expectedVersion);
    }
    throw err;
  }
}
