import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { LOGGER, startPeriodic, type Periodic } from '@uhr/platform';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import type { Recall } from './domain/recall.js';

/**
 * Every recall in memory, by GTIN: verify asks it without a round trip. Recalls are few and never deleted;
 * this process adds its own at once and picks up other replicas' within `refreshMs`.
 */
@Injectable()
export class RecallIndex implements OnApplicationBootstrap, OnApplicationShutdown {
  private byGtin = new Map<string, Recall[]>();
  private worker?: Periodic;
  static refreshMs = 2000;

  constructor(
    private readonly ds: DataSource,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap() {
    await this.reload();
    this.worker = startPeriodic('recall index refresh', RecallIndex.refreshMs, () => this.reload(), this.logger);
  }

  onApplicationShutdown() {
    this.worker?.stop();
  }

  of(gtin: string): readonly Recall[] {
    return this.byGtin.get(gtin) ?? [];
  }

  add(r: Recall): void {
    const list = this.byGtin.get(r.gtin) ?? [];
    if (!list.some((x) => x.id === r.id)) this.byGtin.set(r.gtin, [...list, r]);
  }

  async reload(): Promise<void> {
    const rows = (await this.ds.query('select id, gtin, lot, serials, reason, created_at from recalls')) as Array<{
      id: string;
      gtin: string;
      lot: string | null;
      serials: string[] | null;
      reason: string;
      created_at: Date;
    }>;
    const next = new Map<string, Recall[]>();
    for (const r of rows) {
      const recall: Recall = {
        id: r.id,
        gtin: r.gtin,
        lot: r.lot,
        serials: r.serials,
        reason: r.reason,
        createdAt: new Date(r.created_at),
      };
      next.set(r.gtin, [...(next.get(r.gtin) ?? []), recall]);
    }
    this.byGtin = next;
  }
}
