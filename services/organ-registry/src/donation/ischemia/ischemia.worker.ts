import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { EventStore, LOGGER, startPeriodic, type Periodic } from '@uhr/platform';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { INTEGRITY_TOPIC } from '../../audit/access-audit.js';
import type { OrganRegistryConfig } from '../../config.js';
import { CLOCK, type Clock } from '../../shared/clock.js';
import { ORGAN_REGISTRY_CONFIG } from '../../shared/tokens.js';
import { ischemiaClock, type IschemiaLimits } from '../domain/ischemia.js';
import type { Organ } from '../domain/organ.js';

export const ISCHEMIA_WORKERS = Symbol('ISCHEMIA_WORKERS');

interface Row {
  data: Organ;
  recorded_by: string;
  accepted_by: string | null;
}

/**
 * Watches every organ not yet transplanted: once at the warning point and once at the limit, an
 * IschemiaAlertRaised goes (through the outbox) to the organ bank that recorded it and the centre that accepted it.
 */
@Injectable()
export class IschemiaWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private worker?: Periodic;
  private readonly limits: IschemiaLimits;

  constructor(
    private readonly ds: DataSource,
    private readonly events: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(ORGAN_REGISTRY_CONFIG) private readonly config: OrganRegistryConfig,
    @Inject(ISCHEMIA_WORKERS) private readonly enabled: boolean,
  ) {
    this.limits = config.ischemiaMaxHours;
  }

  onApplicationBootstrap() {
    if (this.enabled)
      this.worker = startPeriodic('ischemia clock', this.config.offerSweepMs, () => this.sweep(), this.logger);
  }

  onApplicationShutdown() {
    this.worker?.stop();
  }

  /** One pass; returns how many alerts it raised. */
  async sweep(): Promise<number> {
    const now = this.clock.now();
    const rows: Row[] = await this.ds.query(
      `select o.data, o.recorded_by,
              (select f.centre from offers f where f.status = 'accepted'
                 and f.run_id in (select id from match_runs where organ_id = o.id) limit 1) as accepted_by
         from organs o where not (o.data ? 'transplantedAt')`,
    );
    let raised = 0;
    for (const r of rows) {
      const clock = ischemiaClock(r.data, now.getTime(), this.limits, this.config.ischemiaWarnFraction);
      if (clock.stage === 'ok') continue;
      const notify = [r.recorded_by, ...(r.accepted_by ? [r.accepted_by] : [])];
      if (await this.raise(r.data, clock.stage, clock.limitAt, notify, now)) raised += 1;
    }
    return raised;
  }

  private raise(organ: Organ, stage: 'approaching' | 'reached', limitAt: number, notify: string[], now: Date) {
    return this.ds.transaction(async (m) => {
      const fresh: unknown[] = await m.query(
        `insert into ischemia_alerts (organ_id, stage, raised_at) values ($1, $2, $3) on conflict do nothing returning 1`,
        [organ.id, stage, now],
      );
      if (fresh.length === 0) return false;
      const payload = {
        organId: organ.id,
        organType: organ.type,
        stage,
        limitAt: new Date(limitAt).toISOString(),
        notify,
      };
      const ctx = { actor: 'organ-registry:ischemia-clock', correlationId: 'ischemia-clock', occurredAt: now };
      const event = { type: 'organ-registry.IschemiaAlertRaised', version: 1, payload };
      await this.events.append(m, `ischemia-${organ.id}-${stage}`, 0, [event], ctx, INTEGRITY_TOPIC);
      return true;
    });
  }
}
