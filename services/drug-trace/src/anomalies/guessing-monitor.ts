import { Inject, Injectable } from '@nestjs/common';
import { LOGGER } from '@uhr/platform';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { AlertRepository } from './alert.repository.js';
import { serialGuessing } from './domain/rules.js';

export interface GuessingOptions {
  threshold: number;
  windowMs: number;
}
export const GUESSING_OPTIONS = Symbol('GUESSING_OPTIONS');

/**
 * Unknown-serial outcomes (A3) per site, in memory: a burst of them is someone guessing serials. Once alerted,
 * a site's count starts again, so one burst is one alert.
 */
@Injectable()
export class GuessingMonitor {
  private readonly bySite = new Map<string, number[]>();

  constructor(
    private readonly ds: DataSource,
    private readonly alerts: AlertRepository,
    @Inject(GUESSING_OPTIONS) private readonly opts: GuessingOptions,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async unknownSerial(site: string, party: string, at: number): Promise<void> {
    const times = (this.bySite.get(site) ?? []).filter((t) => at - t <= this.opts.windowMs);
    times.push(at);
    this.bySite.set(site, times);
    const alert = serialGuessing(site, times, this.opts.threshold, this.opts.windowMs, party);
    if (!alert) return;
    this.bySite.delete(site);
    await this.ds
      .transaction((m) =>
        this.alerts.record(m, [alert], {
          actor: 'drug-trace',
          correlationId: 'serial-guessing',
          occurredAt: new Date(at),
        }),
      )
      .catch((err: Error) => this.logger.error({ err: err.message, site }, 'serial-guessing alert not recorded'));
  }
}
