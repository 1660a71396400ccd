import { Injectable } from '@nestjs/common';
import { EventStore, topicOf, type EventContext } from '@uhr/platform';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import type { Alert } from './domain/rules.js';

export const ALERT_TOPIC = topicOf('drug-trace', 'alert');
/** Published for each alert; notifications tells the parties' logins and the auditors. */
export const ANOMALY_DETECTED = 'drug-trace.AnomalyDetected';

export interface AlertView extends Alert {
  id: string;
  createdAt: string;
}

/** The only door to alerts: stored and published (outbox) in the caller's transaction. */
@Injectable()
export class AlertRepository {
  constructor(
    private readonly ds: DataSource,
    private readonly events: EventStore,
  ) {}

  async record(m: EntityManager, alerts: readonly Alert[], ctx: EventContext): Promise<string[]> {
    if (alerts.length === 0) return [];
    const ids = alerts.map(() => randomUUID());
    await m.query(
      `insert into alerts (id, rule, severity, evidence, parties)
       select id, r, s, e, string_to_array(p, ',')::uuid[]
         from unnest($1::uuid[], $2::text[], $3::text[], $4::jsonb[], $5::text[]) as x(id, r, s, e, p)`,
      [
        ids,
        alerts.map((a) => a.rule),
        alerts.map((a) => a.severity),
        alerts.map((a) => JSON.stringify({ summary: a.summary, ...a.evidence })),
        alerts.map((a) => a.parties.join(',')),
      ],
    );
    const subjects = await this.subjectsOf(m, [...new Set(alerts.flatMap((a) => a.parties))]);
    const streams = alerts.map((a, i) => ({
      streamId: `alert-${ids[i]}`,
      expectedVersion: 0,
      events: [
        {
          type: ANOMALY_DETECTED,
          version: 1,
          payload: {
            alertId: ids[i],
            rule: a.rule,
            severity: a.severity,
            summary: a.summary,
            partySubjects: [
              ...a.parties.map((p) => subjects.get(p)),
              typeof a.evidence.prescriber === 'string' ? a.evidence.prescriber : undefined,
            ].filter((s): s is string => !!s),
            evidence: a.evidence,
          },
        },
      ],
    }));
    await this.events.appendMany(m, streams, ctx, ALERT_TOPIC);
    return ids;
  }

  private async subjectsOf(m: EntityManager, partyIds: string[]): Promise<Map<string, string>> {
    const valid = partyIds.filter((p) => /^[0-9a-f-]{36}$/.test(p));
    const rows = (await m.query('select id, subject from parties where id = any($1::uuid[])', [valid])) as Array<{
      id: string;
      subject: string;
    }>;
    return new Map(rows.map((r) => [r.id, r.subject]));
  }

  /** The alerts a party is concerned by, newest first; every alert for an overseer (partyId undefined). */
  async list(partyId: string | undefined, limit: number): Promise<AlertView[]> {
    const rows = (await this.ds.query(
      `select * from alerts ${partyId ? 'where $2::uuid = any(parties)' : ''} order by created_at desc limit $1`,
      partyId ? [limit, partyId] : [limit],
    )) as Array<{
      id: string;
      rule: Alert['rule'];
      severity: Alert['severity'];
      evidence: Record<string, unknown>;
      parties: string[];
      created_at: Date;
    }>;
    return rows.map((r) => {
      const { summary, ...evidence } = r.evidence as { summary: string };
      return {
        id: r.id,
        rule: r.rule,
        severity: r.severity,
        summary,
        evidence,
        parties: r.parties,
        createdAt: new Date(r.created_at).toISOString(),
      };
    });
  }
}
