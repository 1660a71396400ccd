import { Injectable } from '@nestjs/common';
import { EventStore, topicOf, type EventContext, type EventEnvelope } from '@uhr/platform';
import { DataSource, type EntityManager } from 'typeorm';
import { INTEGRITY_TOPIC } from '../audit/access-audit.js';
import { evolve, initialAllocation, type AllocationEvent, type AllocationState } from './domain/allocation.js';

export const ALLOCATION_TOPIC = topicOf('organ-registry', 'allocation', 1);
const streamOf = (runId: string) => `allocation-${runId}`;

export interface OfferRow {
  runId: string;
  candidateId: string;
  centre: string;
  organType: string;
  rank: number;
  status: string;
  code: string | null;
  flagged: boolean;
  expiresAt: string | null;
}

type Env = EventEnvelope<AllocationEvent['type'], AllocationEvent['payload']>;

/** The only door to allocations' storage: the allocation streams, their state and the offers table. */
@Injectable()
export class AllocationRepository {
  constructor(
    private readonly ds: DataSource,
    private readonly events: EventStore,
  ) {}

  /**
   * One command on an allocation in one transaction: `decide` gets the state and a transaction-bound fact
   * lookup; its events are appended and projected.
   */
  async execute(
    runId: string,
    decide: (
      s: AllocationState,
      facts: { holdsAcceptance(candidateId: string, organType: string): Promise<boolean> },
    ) => Promise<readonly AllocationEvent[]> | readonly AllocationEvent[],
    ctx: EventContext,
  ): Promise<AllocationState> {
    return this.ds.transaction(async (m) => {
      const history = await this.events.load(streamOf(runId), m);
      const state = history.reduce((s, e) => evolve(s, e as unknown as AllocationEvent), initialAllocation);
      const facts = { holdsAcceptance: (c: string, t: string) => this.holdsAcceptance(m, runId, c, t) };
      const events = await decide(state, facts);
      const envs = await this.events.append(m, streamOf(runId), history.length, events, ctx, ALLOCATION_TOPIC);
      for (const env of envs) await this.project(m, env as Env);
      return events.reduce(evolve, state);
    });
  }

  private async holdsAcceptance(m: EntityManager, runId: string, candidateId: string, organType: string) {
    const rows: unknown[] = await m.query(
      `select 1 from offers where candidate_id = $1 and organ_type = $2 and status = 'accepted' and run_id <> $3`,
      [candidateId, organType, runId],
    );
    return rows.length > 0;
  }

  private async project(m: EntityManager, env: Env) {
    const at = env.occurredAt;
    const e = { type: env.type, version: 1, payload: env.payload } as AllocationEvent;
    const setStatus = (p: { runId: string; candidateId: string }, status: string, code: string | null = null) =>
      m.query(`update offers set status = $3, code = $4, updated_at = $5 where run_id = $1 and candidate_id = $2`, [
        p.runId,
        p.candidateId,
        status,
        code,
        at,
      ]);
    switch (e.type) {
      case 'organ-registry.OffersStarted':
        await m.query(`insert into allocations (run_id, organ_id, organ_type, updated_at) values ($1, $2, $3, $4)`, [
          e.payload.runId,
          e.payload.organId,
          e.payload.organType,
          at,
        ]);
        return;
      case 'organ-registry.OfferMade': {
        const p = e.payload;
        await m.query(
          `insert into offers (run_id, candidate_id, centre, organ_type, rank, status, expires_at, updated_at)
           select $1, $2, $3, organ_type, $4, 'open', $5, $6 from allocations where run_id = $1`,
          [p.runId, p.candidateId, p.centre, p.rank, p.expiresAt, at],
        );
        return;
      }
      case 'organ-registry.OfferAccepted':
        await setStatus(e.payload, 'accepted');
        return;
      case 'organ-registry.OfferDeclined':
        await setStatus(e.payload, 'declined', e.payload.code);
        return;
      case 'organ-registry.OfferExpired':
        await setStatus(e.payload, 'expired', 'TIMEOUT');
        return;
      case 'organ-registry.CandidateBypassed': {
        const p = e.payload;
        await m.query(
          `insert into offers (run_id, candidate_id, centre, organ_type, rank, status, code, flagged, updated_at)
           select $1, $2, '', organ_type, 0, 'bypassed', $3, $4, $5 from allocations where run_id = $1
           on conflict (run_id, candidate_id) do update set status = 'bypassed', code = $3, flagged = $4, updated_at = $5`,
          [p.runId, p.candidateId, p.code, p.flagged, at],
        );
        return;
      }
      case 'organ-registry.OffersExhausted':
        await m.query(`update allocations set updated_at = $2 where run_id = $1`, [e.payload.runId, at]);
        return;
      case 'organ-registry.TransplantRecorded':
        // The cold-ischemia clock stops at the transplant.
        await m.query(`update organs set data = data || jsonb_build_object('transplantedAt', $2::text) where id = $1`, [
          e.payload.organId,
          at,
        ]);
        return;
    }
  }

  async state(runId: string): Promise<AllocationState> {
    const history = await this.events.load(streamOf(runId));
    return history.reduce((s, e) => evolve(s, e as unknown as AllocationEvent), initialAllocation);
  }

  /** Runs whose open offers passed their deadline. */
  async dueRuns(now: Date): Promise<string[]> {
    const rows: { run_id: string }[] = await this.ds.query(
      `select distinct run_id from offers where status = 'open' and expires_at <= $1 limit 100`,
      [now],
    );
    return rows.map((r) => r.run_id);
  }

  async offersOf(centre: string): Promise<OfferRow[]> {
    const rows: {
      run_id: string;
      candidate_id: string;
      centre: string;
      organ_type: string;
      rank: number;
      status: string;
      code: string | null;
      flagged: boolean;
      expires_at: Date | null;
    }[] = await this.ds.query(
      `select run_id, candidate_id, centre, organ_type, rank, status, code, flagged, expires_at
         from offers where centre = $1 order by updated_at desc limit 200`,
      [centre],
    );
    return rows.map((r) => ({
      runId: r.run_id,
      candidateId: r.candidate_id,
      centre: r.centre,
      organType: r.organ_type,
      rank: r.rank,
      status: r.status,
      code: r.code,
      flagged: r.flagged,
      expiresAt: r.expires_at?.toISOString() ?? null,
    }));
  }

  /** An integrity alert in its own transaction: a refused command still leaves its trace for auditors. */
  async alert(streamId: string, type: string, payload: Record<string, unknown>, ctx: EventContext): Promise<void> {
    await this.ds.transaction((m) =>
      this.events.append(m, streamId, 0, [{ type, version: 1, payload }], ctx, INTEGRITY_TOPIC),
    );
  }
}
