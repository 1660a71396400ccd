import { Inject, Injectable } from '@nestjs/common';
import { EventStore, topicOf, type EventContext, type StreamAnchorer } from '@uhr/platform';
import { DataSource } from 'typeorm';
import { FACT_ANCHORER } from '../shared/tokens.js';
import type { MatchResult } from './domain/match-run.js';

export const MATCHING_TOPIC = topicOf('organ-registry', 'matching', 1);

export interface StoredRun {
  id: string;
  organId: string;
  result: MatchResult;
  /** (candidate id, version) in id order. */
  inputs: [string, number][];
  anchorEntryId: string;
  anchoredHash: string;
  requestedBy: string;
  createdAt: string;
}

/** The only door to match runs' storage. */
@Injectable()
export class MatchRunRepository {
  constructor(
    private readonly ds: DataSource,
    private readonly events: EventStore,
    @Inject(FACT_ANCHORER) private readonly anchorer: StreamAnchorer,
  ) {}

  /** The run, the centres it ranked, its MatchRunCompleted event and its anchored hash: one transaction. */
  async save(
    run: Omit<StoredRun, 'anchorEntryId' | 'createdAt' | 'requestedBy'>,
    centres: string[],
    ctx: EventContext,
  ) {
    const r = run.result;
    return this.ds.transaction(async (m) => {
      const [entryId] = await this.anchorer.append(m, [run.anchoredHash]);
      await m.query(
        `insert into match_runs (id, organ_id, policy_version, policy_hash, run_at, inputs_hash, result_hash, inputs,
           result, anchor_entry_id, anchored_hash, requested_by, created_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
        [
          run.id,
          run.organId,
          r.policyVersion,
          r.policyHash,
          new Date(r.at),
          r.inputsHash,
          r.resultHash,
          JSON.stringify(run.inputs),
          JSON.stringify(r),
          entryId,
          run.anchoredHash,
          ctx.actor,
          ctx.occurredAt,
        ],
      );
      await m.query(`insert into match_run_centres (run_id, centre) select $1, unnest($2::text[])`, [run.id, centres]);
      const payload = {
        runId: run.id,
        organId: run.organId,
        policyVersion: r.policyVersion,
        policyHash: r.policyHash,
        inputsHash: r.inputsHash,
        resultHash: r.resultHash,
        ranked: r.ranked.length,
        ineligible: r.ineligible.length,
      };
      await this.events.append(
        m,
        `match-run-${run.id}`,
        0,
        [{ type: 'organ-registry.MatchRunCompleted', version: 1, payload }],
        ctx,
        MATCHING_TOPIC,
      );
      return entryId!;
    });
  }

  async byId(id: string): Promise<StoredRun | undefined> {
    const rows: {
      id: string;
      organ_id: string;
      result: MatchResult;
      inputs: [string, number][];
      anchor_entry_id: string;
      anchored_hash: string;
      requested_by: string;
      created_at: Date;
    }[] = await this.ds.query(
      `select id, organ_id, result, inputs, anchor_entry_id, anchored_hash, requested_by, created_at
         from match_runs where id = $1`,
      [id],
    );
    const r = rows[0];
    return (
      r && {
        id: r.id,
        organId: r.organ_id,
        result: r.result,
        inputs: r.inputs,
        anchorEntryId: r.anchor_entry_id,
        anchoredHash: r.anchored_hash,
        requestedBy: r.requested_by,
        createdAt: r.created_at.toISOString(),
      }
    );
  }

  /** Whether the centre had a candidate ranked in any run of this organ (then it may see the organ's clinical view). */
  async centreRankedFor(organId: string, centre: string): Promise<boolean> {
    const rows: unknown[] = await this.ds.query(
      `select 1 from match_run_centres c join match_runs r on r.id = c.run_id where r.organ_id = $1 and c.centre = $2 limit 1`,
      [organId, centre],
    );
    return rows.length > 0;
  }
}
