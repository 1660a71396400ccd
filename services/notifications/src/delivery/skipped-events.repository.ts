import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

export interface Skip {
  eventId: string;
  type: string;
  reason: string;
  recipient?: string;
  detail?: string;
  envelope?: unknown;
}

/** Events taken from Kafka that made no notification, and why: counted for operators, kept for replays. */
@Injectable()
export class SkippedEventsRepository {
  constructor(private readonly ds: DataSource) {}

  async record(m: EntityManager, s: Skip) {
    await m.query(
      'insert into skipped_events (event_id, event_type, reason, recipient, detail, envelope) values ($1,$2,$3,$4,$5,$6::jsonb)',
      [
        s.eventId,
        s.type,
        s.reason,
        s.recipient ?? null,
        s.detail?.slice(0, 1000) ?? null,
        s.envelope ? JSON.stringify(s.envelope) : null,
      ],
    );
  }

  async countsByReason(): Promise<Record<string, number>> {
    const rows: Array<{ reason: string; n: number }> = await this.ds.query(
      'select reason, count(*)::int as n from skipped_events group by reason',
    );
    return Object.fromEntries(rows.map((r) => [r.reason, r.n]));
  }
}
