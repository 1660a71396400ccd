import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { keccak256Bytes, StreamAnchorer } from '@uhr/platform';
import { DataSource, type EntityManager } from 'typeorm';
import { OUTCOMES_ANCHORER } from '../anchoring/anchorers.js';

export interface Outcome {
  kind: 'verify' | 'decommission' | 'undo';
  gtin: string;
  serial: string | null;
  result: Record<string, unknown>;
}

interface Waiting {
  outcome: Outcome;
  resolve: (entryId: string) => void;
  reject: (err: unknown) => void;
}

/**
 * Verify outcomes are anchored, but one transaction per scan would cap verify at PostgreSQL's commit rate:
 * outcomes arriving together are written together (group commit, at most `windowMs` apart), and each caller
 * gets its answer only once its outcome is committed, so none is lost.
 */
@Injectable()
export class OutcomeLog implements OnApplicationShutdown {
  static windowMs = 2;
  static maxGroup = 2000;
  private queue: Waiting[] = [];
  private timer?: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly ds: DataSource,
    @Inject(OUTCOMES_ANCHORER) private readonly anchorer: StreamAnchorer,
  ) {}

  record(outcomes: readonly Outcome[]): Promise<string[]> {
    const entries = outcomes.map(
      (outcome) => new Promise<string>((resolve, reject) => this.queue.push({ outcome, resolve, reject })),
    );
    if (this.queue.length >= OutcomeLog.maxGroup) this.flushSoon(0);
    else this.flushSoon(OutcomeLog.windowMs);
    return Promise.all(entries);
  }

  private flushSoon(ms: number) {
    if (this.timer && ms > 0) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flushing = this.flushing.then(() => this.flush());
    }, ms);
  }

  /** Outcomes of a command that has its own transaction (decommission, undo): written and anchored with it. */
  async recordIn(m: EntityManager, outcomes: readonly Outcome[]): Promise<string[]> {
    const results = outcomes.map((o) => JSON.stringify(o));
    const entries = await this.anchorer.append(
      m,
      results.map((r) => `0x${Buffer.from(keccak256Bytes(Buffer.from(r, 'utf8'))).toString('hex')}`),
    );
    await m.query(
      `insert into outcomes (kind, gtin, serial, result, anchor_entry)
       select * from unnest($1::text[], $2::text[], $3::text[], $4::jsonb[], $5::text[])`,
      [outcomes.map((o) => o.kind), outcomes.map((o) => o.gtin), outcomes.map((o) => o.serial), results, entries],
    );
    return entries;
  }

  /** An outcome by its anchor entry, if the party recorded it (outcomes are the recording party's own). */
  async ofParty(
    entryId: string,
    partyId: string,
  ): Promise<{ kind: string; gtin: string; serial: string | null } | undefined> {
    const [row] = (await this.ds.query(
      `select result->>'kind' as kind, gtin, serial from outcomes
        where anchor_entry = $1 and result->'result'->>'party' = $2`,
      [entryId, partyId],
    )) as Array<{ kind: string; gtin: string; serial: string | null }>;
    return row;
  }

  private async flush(): Promise<void> {
    const group = this.queue.splice(0, OutcomeLog.maxGroup);
    if (group.length === 0) return;
    if (this.queue.length > 0) this.flushSoon(0);
    try {
      const ids = await this.ds.transaction((m) =>
        this.recordIn(
          m,
          group.map((w) => w.outcome),
        ),
      );
      group.forEach((w, i) => w.resolve(ids[i]!));
    } catch (err) {
      group.forEach((w) => w.reject(err));
    }
  }

  async onApplicationShutdown() {
    clearTimeout(this.timer);
    await this.flushing;
    await this.flush();
  }
}
