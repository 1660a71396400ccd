import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { LOGGER, startPeriodic, type Periodic } from '@uhr/platform';
import type { Logger } from 'pino';
import type { OrganRegistryConfig } from '../config.js';
import { CLOCK, type Clock } from '../shared/clock.js';
import { ORGAN_REGISTRY_CONFIG } from '../shared/tokens.js';
import { AllocationRepository } from './allocation.repository.js';
import { AllocateOrganUseCase } from './use-cases/allocate-organ.use-case.js';

export const OFFER_WORKERS = Symbol('OFFER_WORKERS');

/** Expires offers past their deadline (at the injected clock's time) and offers the next candidate. */
@Injectable()
export class OfferExpiryWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private worker?: Periodic;

  constructor(
    private readonly allocations: AllocationRepository,
    private readonly allocate: AllocateOrganUseCase,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(ORGAN_REGISTRY_CONFIG) private readonly config: OrganRegistryConfig,
    @Inject(OFFER_WORKERS) private readonly enabled: boolean,
  ) {}

  onApplicationBootstrap() {
    if (this.enabled)
      this.worker = startPeriodic('offer expiry', this.config.offerSweepMs, () => this.sweep(), this.logger);
  }

  onApplicationShutdown() {
    this.worker?.stop();
  }

  /** One pass: every run with an offer past its deadline. */
  async sweep(): Promise<number> {
    const now = this.clock.now();
    const runs = await this.allocations.dueRuns(now);
    const ctx = { actor: 'organ-registry:offer-expiry', correlationId: 'offer-expiry', occurredAt: now };
    for (const runId of runs) await this.allocate.expire(runId, ctx);
    return runs.length;
  }
}
