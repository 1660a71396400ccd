import pg from 'pg';

/**
 * Lets a polling worker sleep until either its interval passes or PostgreSQL NOTIFYs its channel, so work
 * committed by a command is picked up at once while an idle worker polls rarely. Losing the LISTEN connection
 * only costs latency: the poll still runs.
 */
export class Waker {
  private client: pg.Client | undefined;
  private wakeUp: (() => void) | undefined;
  private pending = false;
  private closed = false;

  constructor(
    private readonly url: string,
    private readonly channel: string,
  ) {}

  async start(): Promise<void> {
    await this.connect();
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    const client = new pg.Client({ connectionString: this.url });
    client.on('notification', () => this.wake());
    client.on('error', () => {
      this.client = undefined;
      setTimeout(() => void this.connect().catch(() => undefined), 1000).unref();
    });
    try {
      await client.connect();
      await client.query(`listen ${this.channel}`);
      this.client = client;
    } catch {
      setTimeout(() => void this.connect().catch(() => undefined), 1000).unref();
    }
  }

  wake(): void {
    this.pending = true;
    this.wakeUp?.();
  }

  sleep(ms: number): Promise<void> {
    if (this.pending) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      function done(): void {
        clearTimeout(t);
        resolve();
      }
      this.wakeUp = () => {
        this.wakeUp = undefined;
        this.pending = false;
        done();
      };
    });
  }

  async stop(): Promise<void> {
    this.closed = true;
    this.wake();
    await this.client?.end().catch(() => undefined);
  }
}

/** Exponential backoff with full jitter, capped. */
export function backoffMs(attempt: number, baseMs = 200, capMs = 30_000): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(attempt, 16));
  return Math.floor(ceiling / 2 + Math.random() * (ceiling / 2));
}
