import { Inject, Injectable } from '@nestjs/common';
import { EventStore, topicOf, type Principal } from '@uhr/platform';
import { DataSource } from 'typeorm';
import type { OrganRegistryConfig } from '../config.js';
import { CLOCK, type Clock } from '../shared/clock.js';
import { ORGAN_REGISTRY_CONFIG } from '../shared/tokens.js';

/** Integrity alerts for auditors (services/notifications delivers them). */
export const INTEGRITY_TOPIC = topicOf('organ-registry', 'integrity', 1);

export type Resource = 'donor' | 'organ' | 'candidate' | 'match-run' | 'offer' | 'custody';

export interface AccessEntry {
  seq: number;
  subject: string;
  username: string;
  roles: string[];
  resource: string;
  resourceId: string;
  action: string;
  at: string;
}

/**
 * Every read is written down (who, which record, when) before it is answered, and a user who reads more
 * distinct records than the threshold in the window raises one BulkLookupDetected per window.
 */
@Injectable()
export class AccessAudit {
  constructor(
    private readonly ds: DataSource,
    private readonly events: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ORGAN_REGISTRY_CONFIG) private readonly config: OrganRegistryConfig,
  ) {}

  async record(p: Principal, resource: Resource, ids: readonly string[], action = 'read'): Promise<void> {
    const at = this.clock.now();
    await this.ds.transaction(async (m) => {
      await m.query(
        `insert into access_log (subject, username, roles, resource, resource_id, action, at)
         select $1, $2, $3, $4, id, $6, $7 from unnest($5::text[]) as id`,
        [p.subject, p.username, p.roles, resource, ids, action, at],
      );
      const windowMs = this.config.bulkLookupWindowSeconds * 1000;
      const since = new Date(at.getTime() - windowMs);
      const [{ n }] = (await m.query(
        `select count(distinct (resource, resource_id))::int as n from access_log where subject = $1 and at > $2`,
        [p.subject, since],
      )) as [{ n: number }];
      if (n <= this.config.bulkLookupThreshold) return;
      const windowStart = new Date(Math.floor(at.getTime() / windowMs) * windowMs);
      const inserted: unknown[] = await m.query(
        `insert into bulk_lookup_alerts (subject, window_start) values ($1, $2) on conflict do nothing returning 1`,
        [p.subject, windowStart],
      );
      if (inserted.length === 0) return;
      const payload = {
        subject: p.subject,
        username: p.username,
        distinctRecords: n,
        windowSeconds: this.config.bulkLookupWindowSeconds,
        threshold: this.config.bulkLookupThreshold,
        windowStart: windowStart.toISOString(),
      };
      const event = { type: 'organ-registry.BulkLookupDetected', version: 1, payload };
      const ctx = { actor: p.subject, correlationId: 'access-audit', occurredAt: at };
      await this.events.append(
        m,
        `bulk-lookup-${p.subject}-${windowStart.getTime()}`,
        0,
        [event],
        ctx,
        INTEGRITY_TOPIC,
      );
    });
  }

  async entries(filter: { subject?: string; resourceId?: string; limit: number }): Promise<AccessEntry[]> {
    const rows: {
      seq: string;
      subject: string;
      username: string;
      roles: string[];
      resource: string;
      resource_id: string;
      action: string;
      at: Date;
    }[] = await this.ds.query(
      `select seq, subject, username, roles, resource, resource_id, action, at from access_log where ($1::text is null or subject = $1) and ($2::text is null or resource_id = $2)
       order by seq desc limit $3`,
      [filter.subject ?? null, filter.resourceId ?? null, filter.limit],
    );
    return rows.map((r) => ({
      seq: Number(r.seq),
      subject: r.subject,
      username: r.username,
      roles: r.roles,
      resource: r.resource,
      resourceId: r.resource_id,
      action: r.action,
      at: r.at.toISOString(),
    }));
  }
}
