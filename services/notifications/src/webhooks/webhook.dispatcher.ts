import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { databaseUrl, LOGGER, PLATFORM_CONFIG, Waker } from '@uhr/platform';
import type { Logger } from 'pino';
import type { NotificationsConfig } from '../config.js';
import { retryDelayMs, sign, SIGNATURE_HEADER } from './domain/signature.js';
import { refuseTarget, systemResolver } from './domain/target-policy.js';
import { WEBHOOK_CHANNEL, WebhooksRepository, type ClaimedDelivery } from './webhooks.repository.js';

const BATCH = 20;

/**
 * Sends due webhook deliveries: signed POSTs, retried with exponential backoff, dead after the attempt budget.
 * Woken by NOTIFY when the consumer enqueues work, otherwise it sleeps until the next retry is due. Every
 * replica runs one; leases keep them from sending the same delivery twice at once.
 */
@Injectable()
export class WebhookDispatcher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly waker: Waker;
  private running = false;
  private loop: Promise<void> | undefined;
  sent = 0;

  constructor(
    @Inject(PLATFORM_CONFIG) private readonly config: NotificationsConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly deliveries: WebhooksRepository,
  ) {
    this.waker = new Waker(databaseUrl(config.pgUrl, config.database), WEBHOOK_CHANNEL);
  }

  async onApplicationBootstrap() {
    await this.waker.start();
    this.running = true;
    this.loop = this.run();
  }

  async onApplicationShutdown() {
    this.running = false;
    await this.waker.stop();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (this.running) {
      let claimed: ClaimedDelivery[] = [];
      try {
        claimed = await this.deliveries.claim(BATCH, this.config.webhookTimeoutMs * 3);
        await Promise.all(claimed.map((d) => this.attempt(d)));
      } catch (err) {
        this.logger.warn({ err: (err as Error).message }, 'webhook dispatcher: database unavailable, will retry');
        await this.waker.sleep(this.config.workerPollMs);
        continue;
      }
      if (claimed.length > 0) continue;
      const due = await this.deliveries.msUntilNextDue().catch(() => null);
      await this.waker.sleep(Math.max(10, Math.min(this.config.workerPollMs, due ?? Infinity)));
    }
  }

  private async attempt(d: ClaimedDelivery): Promise<void> {
    // Checked again at send time: the name may resolve elsewhere now than when the webhook was registered.
    const refused = await refuseTarget(d.url, this.config.webhookAllowPrivate, systemResolver);
    if (refused) {
      await this.deliveries.markFailed(d.id, null, `refused: ${refused}`, true, 0);
      this.logger.warn({ delivery: d.id, refused }, 'webhook target refused');
      return;
    }
    const body = JSON.stringify(d.body);
    const timestamp = Math.floor(Date.now() / 1000);
    let status: number | null = null;
    let error: string;
    try {
      const res = await fetch(d.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'uhr-notifications/1',
          'x-uhr-delivery': d.id,
          'x-uhr-event': d.eventType,
          'x-uhr-attempt': String(d.attempts + 1),
          [SIGNATURE_HEADER]: sign(d.secret, body, timestamp),
        },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.config.webhookTimeoutMs),
      });
      status = res.status;
      await res.body?.cancel().catch(() => undefined);
      if (res.ok) {
        await this.deliveries.markDelivered(d.id, res.status);
        this.sent += 1;
        return;
      }
      error = `receiver answered ${res.status}`;
    } catch (err) {
      error =
        (err as Error).name === 'TimeoutError'
          ? 'receiver timed out'
          : `could not reach receiver: ${(err as Error).message}`;
    }
    const failures = d.attempts + 1;
    const dead = failures >= this.config.webhookMaxAttempts;
    const delay = retryDelayMs(failures, this.config.webhookBackoffMs, this.config.webhookBackoffCapMs, Math.random());
    await this.deliveries.markFailed(d.id, status, error, dead, delay);
    this.logger[dead ? 'warn' : 'info']({ delivery: d.id, status, error, failures, dead }, 'webhook delivery failed');
  }
}
