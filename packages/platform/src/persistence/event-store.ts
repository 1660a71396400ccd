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
   * with ConcurrencyError (naming the first stream).
   */
  async appendMany(
    manager: EntityManager,
    streams: ReadonlyArray<{ streamId: string; expectedVersion: number; events: readonly DomainEvent[] }>,
    ctx: EventContext,
    topic: string,
  ): Promise<EventEnvelope[]> {
    const envelopes = streams.flatMap((st) =>
      st.events.map((e, i) => envelopeOf(e, st.streamId, st.expectedVersion + i + 1, ctx)),
    );
    if (envelopes.length === 0) return envelopes;
    const col = <T>(f: (e: EventEnvelope) => T) => envelopes.map(f);
    try {
      await manager.query(
        `with input as (
           select * from unnest($1::uuid[], $2::text[], $3::int[], $4::text[], $5::int[], $6::jsonb[], $7::text[],
                                $8::text[], $9::text[], $10::timestamptz[], $11::jsonb[])
             with ordinality as t(id, stream_id, sequence, type, version, payload, actor, correlation_id,
                                  causation_id, occurred_at, message, ord)
         ),
         ev as (
           insert into uhr_events (id, stream_id, sequence, type, version, payload, actor, correlation_id,
             causation_id, occurred_at)
           select id, stream_id, sequence, type, version, payload, actor, correlation_id, causation_id, occurred_at
             from input order by ord
         ),
         ob as (
           insert into uhr_outbox (event_id, topic, key, message)
           select id, $12, stream_id, message from input order by ord
         )
         select pg_notify('${OUTBOX_CHANNEL}', '')`,
        [
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
      );
    } catch (err) {
      const e = err as { code?: string; detail?: string };
      if (e.code === '23505') {
        const taken = /\(stream_id, sequence\)=\((.*), \d+\)/.exec(e.detail ?? '')?.[1];
        const stream = streams.find((st) => st.streamId === taken) ?? streams[0]!;
        throw new ConcurrencyError(stream.streamId, stream.expectedVersion);
      }
      throw err;
    }
    return envelopes;
  }
}
