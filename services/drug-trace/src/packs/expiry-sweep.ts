import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { LOGGER, startPeriodic, type Periodic } from '@uhr/platform';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';

export const EXPIRY_SWEEP_MS = Symbol('EXPIRY_SWEEP_MS');

/**
 * Active packs past their expiry date become `expired` — final in EMVS: no undo, no decommission. Verify says
 * EXPIRED from the date alone; the sweep makes the state say so too. At most 10,000 packs a run.
 */
@Injectable()
export class ExpirySweep implements OnApplicationBootstrap, OnApplicationShutdown {
  private worker?: Periodic;

  constructor(
    private readonly ds: DataSource,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(EXPIRY_SWEEP_MS) private readonly intervalMs: number,
  ) {}

  onApplicationBootstrap() {
    this.worker = startPeriodic('expiry sweep', this.intervalMs, () => this.runNow(), this.logger);
  }

  onApplicationShutdown() {
    this.worker?.stop();
  }

  async runNow(today = new Date()): Promise<number> {
    const rows = (await this.ds.query(
      `with due as (select gtin, serial from packs where state = 'active' and expiry < $1::date limit 10000 for update skip locked)
       update packs p set state = 'expired', state_since = now(), state_location = null, state_party = null
         from due where p.gtin = due.gtin and p.serial = due.serial returning p.serial`,
      [today.toISOString().slice(0, 10)],
    )) as unknown[];
    return Array.isArray(rows[0]) ? (rows[0] as unknown[]).length : rows.length;
  }
}
