import { Inject, Injectable } from '@nestjs/common';
import { contractAddress, DEPLOYMENT, PLATFORM_CONFIG, anchorStreamId, type Deployment } from '@uhr/platform';
import { ChainWriter, LOGGER, StreamAnchorer, type PlatformConfig } from '@uhr/platform';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';

/** Two Anchors streams: published schedule versions (a few a year) and issued invoices (many a second). */
export const SCHEDULE_ANCHORER = Symbol('SCHEDULE_ANCHORER');
export const INVOICE_ANCHORER = Symbol('INVOICE_ANCHORER');

export interface AnchoringOptions {
  intervalMs: number;
  workers: boolean;
}

function anchorerProvider(token: symbol, name: string, purpose: string, opts: AnchoringOptions) {
  return {
    provide: token,
    inject: [PLATFORM_CONFIG, DEPLOYMENT, DataSource, ChainWriter, LOGGER],
    useFactory: (cfg: PlatformConfig, d: Deployment, ds: DataSource, w: ChainWriter, l: Logger) =>
      new StreamAnchorer(
        {
          name,
          stream: anchorStreamId(purpose, cfg.database),
          anchorsAddress: contractAddress(d, 'Anchors'),
          intervalMs: opts.intervalMs,
          workers: opts.workers,
        },
        ds,
        w,
        l,
      ),
  };
}

export const anchoringProviders = (opts: AnchoringOptions) => [
  anchorerProvider(SCHEDULE_ANCHORER, 'billing.schedules', 'uhr.billing.schedules', opts),
  anchorerProvider(INVOICE_ANCHORER, 'billing.invoices', 'uhr.billing.invoices', opts),
];

/** Both anchorers, for use cases and tests that cut or wait by hand. */
@Injectable()
export class Anchoring {
  constructor(
    @Inject(SCHEDULE_ANCHORER) readonly schedules: StreamAnchorer,
    @Inject(INVOICE_ANCHORER) readonly invoices: StreamAnchorer,
  ) {}
}
