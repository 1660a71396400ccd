import { Injectable } from '@nestjs/common';
import { EventStore, topicOf, type AggregateFold, type EventContext, type EventEnvelope } from '@uhr/platform';
import { DataSource, type EntityManager } from 'typeorm';
import type { MatchCandidate } from '../matching/domain/match-run.js';
import type { OrganType } from '../matching/domain/policy.js';
import {
  decide,
  evolve,
  initialCandidate,
  type CandidateCommand,
  type CandidateEvent,
  type CandidateState,
} from './domain/candidate.js';

export const CANDIDATE_TOPIC = topicOf('organ-registry', 'candidate', 1);
const FOLD: AggregateFold<CandidateState, CandidateEvent> = {
  initial: initialCandidate,
  evolve,
  topic: CANDIDATE_TOPIC,
};

export interface CandidateView {
  candidate: MatchCandidate;
  centre: string;
  digest: string;
  version: number;
  updatedAt: string;
}

export interface CandidateVersionView {
  version: number;
  digest: string;
  changed: string[];
  changedBy: string;
  changedAt: string;
}

/** A candidate version as a match run took it: content, digest and where it stands in the stream. */
export interface CandidateInput {
  candidate: MatchCandidate;
  digest: string;
  version: number;
}

interface Row {
  data: MatchCandidate;
  centre: string;
  digest: string;
  version: number;
  updated_at: Date;
}

const streamOf = (id: string) => `candidate-${id}`;

/** The only door to the waitlist's storage: the candidate streams and their projections. */
@Injectable()
export class CandidateRepository {
  constructor(
    private readonly ds: DataSource,
    private readonly events: EventStore,
  ) {}

  async execute(id: string, cmd: CandidateCommand, ctx: EventContext): Promise<void> {
    await this.ds.transaction((m) =>
      this.events.execute(
        m,
        streamOf(id),
        FOLD,
        (s) => decide(cmd, s, ctx.occurredAt.getTime()),
        ctx,
        (env) => this.project(m, env),
      ),
    );
  }

  private async project(m: EntityManager, env: EventEnvelope) {
    const e = env as unknown as EventEnvelope<CandidateEvent['type'], CandidateEvent['payload']>;
    const p = e.payload;
    const changed = 'changed' in p ? p.changed : ['listed'];
    await m.query(
      `insert into candidate_versions (id, version, data, digest, changed, changed_by, changed_at)
       values ($1, $2, $3, $4, $5, $6, $7)`,
      [p.candidate.id, e.sequence, p.candidate, p.digest, changed, e.actor, e.occurredAt],
    );
    if (e.type === 'organ-registry.CandidateListed' && 'centre' in p)
      await m.query(
        `insert into candidates (id, centre, organ, data, digest, version, updated_at)
         values ($1, $2, $3, $4, $5, $6, $7)`,
        [p.candidate.id, p.centre, p.candidate.organ, p.candidate, p.digest, e.sequence, e.occurredAt],
      );
    else
      await m.query(
        `update candidates set data = $2, organ = $3, digest = $4, version = $5, updated_at = $6 where id = $1`,
        [p.candidate.id, p.candidate, p.candidate.organ, p.digest, e.sequence, e.occurredAt],
      );
  }

  async byId(id: string): Promise<CandidateView | undefined> {
    const rows: Row[] = await this.ds.query(
      'select data, centre, digest, version, updated_at from candidates where id = $1',
      [id],
    );
    const r = rows[0];
    return (
      r && {
        candidate: r.data,
        centre: r.centre,
        digest: r.digest,
        version: r.version,
        updatedAt: r.updated_at.toISOString(),
      }
    );
  }

  async history(id: string): Promise<CandidateVersionView[]> {
    const rows: { version: number; digest: string; changed: string[]; changed_by: string; changed_at: Date }[] =
      await this.ds.query(
        'select version, digest, changed, changed_by, changed_at from candidate_versions where id = $1 order by version',
        [id],
      );
    return rows.map((r) => ({
      version: r.version,
      digest: r.digest,
      changed: r.changed,
      changedBy: r.changed_by,
      changedAt: r.changed_at.toISOString(),
    }));
  }

  /** The current waitlist for an organ type, in id order, with each candidate's stored digest. */
  async waitingFor(organ: OrganType): Promise<CandidateInput[]> {
    const rows: { data: MatchCandidate; digest: string; version: number }[] = await this.ds.query(
      'select data, digest, version from candidates where organ = $1 order by id collate "C"',
      [organ],
    );
    return rows.map((r) => ({ candidate: r.data, digest: r.digest, version: r.version }));
  }

  /** The exact versions a run used, for its replay. */
  async versions(keys: readonly (readonly [string, number])[]): Promise<CandidateInput[]> {
    if (keys.length === 0) return [];
    const rows: { data: MatchCandidate; digest: string; version: number }[] = await this.ds.query(
      `select v.data, v.digest, v.version
         from unnest($1::text[], $2::int[]) as k(id, version)
         join candidate_versions v on v.id = k.id and v.version = k.version`,
      [keys.map((k) => k[0]), keys.map((k) => k[1])],
    );
    return rows.map((r) => ({ candidate: r.data, digest: r.digest, version: r.version }));
  }

  async centresOf(ids: readonly string[]): Promise<Map<string, string>> {
    const rows: { id: string; centre: string }[] = await this.ds.query(
      'select id, centre from candidates where id = any($1)',
      [ids],
    );
    return new Map(rows.map((r) => [r.id, r.centre]));
  }
}
