import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { LOGGER, PLATFORM_CONFIG } from '@uhr/platform';
import type { Logger } from 'pino';
import type { NotificationsConfig } from '../config.js';
import { SendDigestsUseCase } from './use-cases/send-digests/send-digests.use-case.js';

/** Looks for due digests once a minute (or at the configured poll interval, if longer). */
@Injectable()
export class DigestScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private busy = false;

  constructor(
    @Inject(PLATFORM_CONFIG) private readonly config: NotificationsConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly digests: SendDigestsUseCase,
  ) {}

  onApplicationBootstrap() {
    this.timer = setInterval(() => void this.tick(), Math.max(60_000, this.config.workerPollMs));
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const sent = await this.digests.execute();
      if (sent > 0) this.logger.info({ sent }, 'daily digests sent');
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'digest run failed; next tick retries');
    } finally {
      this.busy = false;
    }
  }

  onApplicationShutdown() {
    clearInterval(this.timer);
  }
}
