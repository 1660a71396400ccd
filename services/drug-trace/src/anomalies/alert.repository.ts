import { Inject, Injectable } from '@nestjs/common';
import { EventStore, topicOf, type EventContext } from '@uhr/platform';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { dedupKey, openAlertFor, type OpenAlert } from './domain/dedup.js';
import type { Alert } from './domain/rules.js';

export const ALERT_TOPIC = topicOf('drug-trace', 'alert');
/** Published for each alert; notifications tells the parties' logins and the auditors. */
export const ANOMALY_DETECTED = 'drug-trace.AnomalyDetected';

export interface AlertView extends Alert {
  id: string;
  createdAt: string;
  /** How many times the rule fired for this subject within the window (1 = once). */
  count: number;
  lastSeenAt: string;
}

/** How long an alert stays open to repeats of its rule and subject (ms). */
export const ALERT_WINDOW_MS = Symbol('ALERT_WINDOW_MS');
/** The first key of the two-key advisory locks taken per (rule, subject): apart from the packs' one-key locks. */
const ALERT_LOCK_SPACE = 4711;

/**
 * The only door to alerts: stored and published (outbox) in the caller's transaction, one alert per rule and
 * subject within the window — a repeat is counted on the open alert and published no more (domain/dedup.ts).
 */
@Injectable()
export class AlertRepository {
  constructor(
    private readonly ds: DataSource,
    private readonly events: EventStore,
    @Inject(ALERT_WINDOW_MS) private readonly windowMs: number,
  ) {}

  /** Each alert's id: a new alert's, or that of the open alert it was counted on. */
  async record(m: EntityManager, alerts: readonly Alert[], ctx: EventContext): Promise<string[]> {
    if (alerts.length === 0) return [];
    const at = ctx.occurredAt;
    const open = await this.openAlerts(m, alerts, at);
    const fresh: Array<{ id: string; alert: Alert }> = [];
    const repeats = new Map<string, number>();
    const ids = alerts.map((a) => {
      const o = openAlertFor(open, a, at, this.windowMs);
      if (o) {
        repeats.set(o.id, (repeats.get(o.id) ?? 0) + 1);
        return o.id;
      }
      const id = randomUUID();
      fresh.push({ id, alert: a });
      open.push({ id, rule: a.rule, subject: a.subject, parties: a.parties, createdAt: at });
      return id;
    });
    await this.count(m, repeats, at);
    await this.insert(m, fresh, at);
    await this.publish(m, fresh, ctx);
    return ids;
  }

  /** Open alerts of these rules and subjects, locked per (rule, subject) so concurrent repeats count in turn. */
  private async openAlerts(m: EntityManager, alerts: readonly Alert[], at: Date): Promise<OpenAlert[]> {
    const keys = [...new Set(alerts.map(dedupKey))].sort();
    await m.query(
      `select count(pg_advisory_xact_lock(${ALERT_LOCK_SPACE}, hashtext(k))) from (select k from unnest($1::text[]) k order by k) s`,
      [keys],
    );
    const rows = (await m.query(
      `select id, rule, subject, parties, created_at from alerts
        where (rule, subject) in (select * from unnest($1::text[], $2::text[])) and created_at > $3`,
      [alerts.map((a) => a.rule), alerts.map((a) => a.subject), new Date(at.getTime() - this.windowMs)],
    )) as Array<{ id: string; rule: Alert['rule']; subject: string; parties: string[]; created_at: Date }>;
    return rows.map((r) => ({
      id: r.id,
      rule: r.rule,
      subject: r.subject,
      parties: r.parties,
      createdAt: new Date(r.created_at),
    }));
  }

  private async count(m: EntityManager, repeats: Map<string, number>, at: Date) {
    if (repeats.size === 0) return;
    await m.query(
      `update alerts a set count = a.count + x.n, last_seen_at = greatest(a.last_seen_at, $3)
         from unnest($1::uuid[], $2::int[]) as x(id, n) where a.id = x.id`,
      [[...repeats.keys()], [...repeats.values()], at],
    );
  }

  private async insert(m: EntityManager, fresh: ReadonlyArray<{ id: string; alert: Alert }>, at: Date) {
    if (fresh.length === 0) return;
    await m.query(
      `insert into alerts (id, rule, subject, severity, evidence, parties, created_at, last_seen_at)
       select id, r, sub, s, e, string_to_array(p, ',')::uuid[], $7, $7
         from unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::jsonb[], $6::text[]) as x(id, r, sub, s, e, p)`,
      [
        fresh.map((f) => f.id),
        fresh.map((f) => f.alert.rule),
        fresh.map((f) => f.alert.subject),
        fresh.map((f) => f.alert.severity),
        fresh.map((f) => JSON.stringify({ summary: f.alert.summary, ...f.alert.evidence })),
        fresh.map((f) => f.alert.parties.join(',')),
        at,
      ],
    );
  }

  private async publish(m: EntityManager, fresh: ReadonlyArray<{ id: string; alert: Alert }>, ctx: EventContext) {
    if (fresh.length === 0) return;
    const subjects = await this.subjectsOf(m, [...new Set(fresh.flatMap((f) => f.alert.parties))]);
    const streams = fresh.map(({ id, alert: a }) => ({
      streamId: `alert-${id}`,
      expectedVersion: 0,
      events: [
        {
          type: ANOMALY_DETECTED,
          version: 1,
          payload: {
            alertId: id,
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
      subject: string | null;
      count: number;
      created_at: Date;
      last_seen_at: Date | null;
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
        subject: r.subject ?? '',
        count: r.count,
        createdAt: new Date(r.created_at).toISOString(),
        lastSeenAt: new Date(r.last_seen_at ?? r.created_at).toISOString(),
      };
    });
  }
}
