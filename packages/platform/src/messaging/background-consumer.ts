import type { Logger } from 'pino';
import type { IdempotentConsumer } from './idempotent-consumer.js';

/**
 * Keeps starting a consumer in the background until it runs: Kafka may be down at boot, or a topic not there
 * yet, and the service's HTTP API stays up meanwhile. `before` runs ahead of each attempt (ensuring topics).
 */
export class BackgroundConsumer {
  private stopped = false;
  private starting: Promise<void> | undefined;

  constructor(
    private readonly consumer: IdempotentConsumer,
    private readonly logger: Logger,
    private readonly what: string,
    private readonly before: () => Promise<void> = () => Promise.resolve(),
  ) {}

  start(): void {
    void this.attempt(1);
  }

  private async attempt(n: number): Promise<void> {
    if (this.stopped) return;
    try {
      this.starting = this.before().then(() => this.consumer.start());
      await this.starting;
    } catch (err) {
      this.logger.warn({ err: (err as Error).message, attempt: n }, `${this.what} not started yet`);
      await this.consumer.stop();
      setTimeout(() => void this.attempt(n + 1), Math.min(10_000, 500 * n)).unref();
    }
  }

  /** Call before the database closes: an in-flight message must not meet a closed pool. */
  async stop(): Promise<void> {
    this.stopped = true;
    // A start still joining the group would otherwise come alive after the stop below.
    await this.starting?.catch(() => undefined);
    await this.consumer.stop();
  }
}
