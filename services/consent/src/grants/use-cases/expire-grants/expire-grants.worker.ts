import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { LOGGER, PLATFORM_CONFIG, startPeriodic, type Periodic } from '@uhr/platform';
import type { Logger } from 'pino';
import type { ConsentConfig } from '../../../config.js';
import { GrantRuleViolation } from '../../domain/grant.js';
import { GrantRepository } from '../../grant.repository.js';

/**
 * Emits consent.GrantExpired when a grant's window closes, so the patient and grantee are told. Enforcement does
 * not wait for it: the chain refuses an expired grant by itself.
 */
@Injectable()
export class ExpireGrantsWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private worker?: Periodic;

  constructor(
    private readonly grants: GrantRepository,
    @Inject(PLATFORM_CONFIG) private readonly config: ConsentConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap() {
    this.worker = startPeriodic(
      'grant expiry sweep',
      this.config.expirySweepMs,
      () => this.sweep(new Date()),
      this.logger,
    );
  }

  onApplicationShutdown() {
    this.worker?.stop();
  }

  async sweep(now: Date): Promise<number> {
    let n = 0;
    for (const id of await this.grants.expiredIds(Math.floor(now.getTime() / 1000))) {
      try {
        await this.grants.execute(
          id,
          { type: 'ExpireGrant' },
          { actor: 'consent-expiry', correlationId: `expiry-${id}`, occurredAt: now },
        );
        n += 1;
      } catch (err) {
        if (!(err instanceof GrantRuleViolation)) throw err;
      }
    }
    return n;
  }
}
