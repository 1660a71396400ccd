/**
 * Per-request stage durations, sent back as a `Server-Timing` header (W3C) so a client, a browser's devtools or
 * a benchmark sees where a request's time went without reading server logs. Stages may overlap (work started
 * together); `total` is the wall time from construction to `header()`.
 */
export class ServerTiming {
  private readonly started = performance.now();
  private readonly spans: Array<[string, number]> = [];

  /** Times `work` under `name`; the duration is kept whether it resolves or rejects. */
  async span<T>(name: string, work: Promise<T> | (() => Promise<T>)): Promise<T> {
    const t = performance.now();
    try {
      return await (typeof work === 'function' ? work() : work);
    } finally {
      this.spans.push([name, performance.now() - t]);
    }
  }

  /** Times synchronous work under `name`. */
  measure<T>(name: string, work: () => T): T {
    const t = performance.now();
    try {
      return work();
    } finally {
      this.spans.push([name, performance.now() - t]);
    }
  }

  header(): string {
    const parts = this.spans.map(([n, d]) => `${n};dur=${d.toFixed(2)}`);
    parts.push(`total;dur=${(performance.now() - this.started).toFixed(2)}`);
    return parts.join(', ');
  }
}

/** Parses a `Server-Timing` header into `{ name: milliseconds }` (for clients and benchmarks). */
export function parseServerTiming(header: string | null | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of (header ?? '').split(',')) {
    const [name, ...params] = part.trim().split(';');
    const dur = params.map((p) => p.trim()).find((p) => p.startsWith('dur='));
    if (name && dur) out[name] = (out[name] ?? 0) + Number(dur.slice(4));
  }
  return out;
}
