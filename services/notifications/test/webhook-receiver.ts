import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedCall {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  answered: number;
}

/**
 * A hospital's endpoint on 127.0.0.1: per path, answers 500 for the first `failFirst` calls (or always while
 * `down`), 200 afterwards, and remembers every call so a test can check retries and signatures.
 */
export class WebhookReceiver {
  readonly calls: ReceivedCall[] = [];
  private readonly plans = new Map<string, { failFirst: number; down: boolean; seen: number }>();
  private server: Server | undefined;
  url = '';

  plan(path: string, p: { failFirst?: number; down?: boolean }): string {
    this.plans.set(path, { failFirst: p.failFirst ?? 0, down: p.down ?? false, seen: 0 });
    return `${this.url}${path}`;
  }

  setDown(path: string, down: boolean): void {
    const p = this.plans.get(path);
    if (p) p.down = down;
  }

  callsTo(path: string): ReceivedCall[] {
    return this.calls.filter((c) => c.path === path);
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const path = req.url ?? '/';
        const plan = this.plans.get(path) ?? { failFirst: 0, down: false, seen: 0 };
        plan.seen += 1;
        const fail = plan.down || plan.seen <= plan.failFirst;
        const answered = fail ? 500 : 200;
        this.calls.push({ path, headers: req.headers, body: Buffer.concat(chunks).toString(), answered });
        res.writeHead(answered, { 'content-type': 'text/plain' }).end(fail ? 'not now' : 'ok');
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}
