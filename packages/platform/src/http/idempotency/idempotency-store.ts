import type { DataSource } from 'typeorm';
import {
  IDEMPOTENCY_KEY_TTL_HOURS,
  IDEMPOTENCY_LEASE_SECONDS,
  verdictFor,
  type StoredKey,
  type Verdict,
} from './idempotency-key.js';

/** Whose key, for which operation: a key is unique per caller and endpoint (the draft's "client + resource"). */
export interface KeyScope {
  principal: string;
  endpoint: string;
  key: string;
}

/** A first attempt holds the key; or the answer a repeated one gets instead of running the command. */
export type Claim = { kind: 'claimed' } | Exclude<Verdict, { kind: 'take-over' }>;

interface Row {
  fingerprint: string;
  state: 'in_flight' | 'done';
  locked_until: Date;
  correlation_id: string;
  claimed_at: Date;
  status: number | null;
  body: unknown;
}

const PK = 'principal = $1 and endpoint = $2 and key = $3';
const HOUR_MS = 3_600_000;

/** The answer a retry gets when the attempt before it committed its events but crashed before answering. */
function committedAnswer(correlationId: string, streams: string[]) {
  return {
    statusCode: 409,
    error: 'FirstAttemptCommitted',
    message:
      'an earlier attempt under this Idempotency-Key was stored but its answer was lost; read the resources named in details',
    details: { correlationId, streams },
  };
}

/**
 * Keys in the service's own PostgreSQL (table uhr_idempotency_keys, platform migration 0003). Whether a crashed
 * first attempt committed is read from the event store: every state change appends events in the command's own
 * transaction (rule 1) under the request's correlation id, so "were its effects stored" is answered by the same
 * commit that stored them, never by a second write that could be lost.
 */
export class IdempotencyStore {
  constructor(
    private readonly ds: DataSource,
    private readonly leaseMs = IDEMPOTENCY_LEASE_SECONDS * 1000,
  ) {}

  /** Takes the key for this attempt (its correlation id), or says what the attempt gets instead. */
  async claim(scope: KeyScope, fingerprint: string, correlationId: string, now = new Date()): Promise<Claim> {
    const inserted: unknown[] = await this.ds.query(
      `insert into uhr_idempotency_keys (principal, endpoint, key, fingerprint, correlation_id, claimed_at,
         locked_until, expires_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8) on conflict do nothing returning 1`,
      [...this.params(scope), fingerprint, correlationId, now, this.leaseEnd(now), this.expiry(now)],
    );
    if (inserted.length > 0) return { kind: 'claimed' };
    const rows: Row[] = await this.ds.query(`select * from uhr_idempotency_keys where ${PK}`, this.params(scope));
    const row = rows[0];
    if (!row) return this.claim(scope, fingerprint, correlationId, now); // swept in between
    const verdict = verdictFor(storedOf(row), fingerprint, now);
    if (verdict.kind !== 'take-over') return verdict;
    return this.takeOver(scope, row, correlationId, now);
  }

  /** The attempt's answer, to replay to every retry until the key expires. */
  async finish(scope: KeyScope, correlationId: string, status: number, body: unknown): Promise<void> {
    await this.ds.query(
      `update uhr_idempotency_keys set state = 'done', status = $5, body = $6::jsonb
        where ${PK} and correlation_id = $4 and state = 'in_flight'`,
      [...this.params(scope), correlationId, status, JSON.stringify(body ?? null)],
    );
  }

  /** The attempt ended without an answer worth replaying (an outage, a bug): the next retry may take over. */
  async release(scope: KeyScope, correlationId: string, now = new Date()): Promise<void> {
    await this.ds.query(
      `update uhr_idempotency_keys set locked_until = $5
        where ${PK} and correlation_id = $4 and state = 'in_flight'`,
      [...this.params(scope), correlationId, now],
    );
  }

  /** Forgets keys past their expiry, a batch at a time; returns how many. */
  async sweep(now = new Date(), batch = 5000): Promise<number> {
    const rows: unknown[] = await this.ds.query(
      `delete from uhr_idempotency_keys where ctid in (
         select ctid from uhr_idempotency_keys where expires_at < $1 limit $2) returning 1`,
      [now, batch],
    );
    return rows.length;
  }

  /**
   * The previous attempt's lease ran out. If it committed events, its outcome is kept (as FirstAttemptCommitted,
   * naming what it stored) and nothing runs again; otherwise this attempt takes the key, guarded by the old
   * holder's correlation id so two retries cannot both take it.
   */
  private async takeOver(scope: KeyScope, row: Row, correlationId: string, now: Date): Promise<Claim> {
    const events: Array<{ stream_id: string }> = await this.ds.query(
      `select distinct stream_id from uhr_events where correlation_id = $1 and occurred_at >= $2 limit 50`,
      [row.correlation_id, row.claimed_at],
    );
    if (events.length > 0) {
      const body = committedAnswer(
        row.correlation_id,
        events.map((e) => e.stream_id),
      );
      await this.finish(scope, row.correlation_id, 409, body);
      return { kind: 'replay', status: 409, body };
    }
    const taken: unknown[] = await this.ds.query(
      `update uhr_idempotency_keys set correlation_id = $5, claimed_at = $6, locked_until = $7
        where ${PK} and correlation_id = $4 and state = 'in_flight' and locked_until <= $6 returning 1`,
      [...this.params(scope), row.correlation_id, correlationId, now, this.leaseEnd(now)],
    );
    if (taken.length > 0) return { kind: 'claimed' };
    return this.claim(scope, row.fingerprint, correlationId, now);
  }

  private params(s: KeyScope): [string, string, string] {
    return [s.principal, s.endpoint, s.key];
  }

  private leaseEnd(now: Date): Date {
    return new Date(now.getTime() + this.leaseMs);
  }

  private expiry(now: Date): Date {
    return new Date(now.getTime() + IDEMPOTENCY_KEY_TTL_HOURS * HOUR_MS);
  }
}

function storedOf(r: Row): StoredKey {
  return {
    fingerprint: r.fingerprint,
    state: r.state,
    lockedUntil: new Date(r.locked_until),
    status: r.status ?? undefined,
    body: r.body,
  };
}
