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
    const envelopes = events.map((e, i) => envelopeOf(e, streamId, expectedVersion + i + 1, ctx));
    await manager.query('savepoint uhr_append');
    try {
      for (const env of envelopes) {
        await manager.query(
          `insert into uhr_events (id, stream_id, sequence, type, version, payload, actor, correlation_id,
             causation_id, occurred_at) values ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)`,
          [
            env.id,
            streamId,
            env.sequence,
            env.type,
            env.version,
            JSON.stringify(env.payload),
            env.actor,
            env.correlationId,
            env.causationId,
            env.occurredAt,
          ],
        );
        await manager.query('insert into uhr_outbox (event_id, topic, key, message) values ($1,$2,$3,$4)', [
          env.id,
          topic,
          streamId,
          JSON.stringify(env),
        ]);
      }
      await manager.query('release savepoint uhr_append');
    } catch (err) {
      await manager.query('rollback to savepoint uhr_append');
      if ((err as { code?: string }).code === '23505') throw new ConcurrencyError(streamId, expectedVersion);
      throw err;
    }
    await manager.query(`select pg_notify('${OUTBOX_CHANNEL}', '')`);
    return envelopes;
  }
}
