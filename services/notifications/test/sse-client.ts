/** A Server-Sent Events reader over fetch, sending the bearer token in a header (what a fetch-based client does). */
export interface SseEvent {
  type: string;
  data: unknown;
  at: number;
}

export class SseClient {
  readonly events: SseEvent[] = [];
  private readonly abort = new AbortController();
  status = 0;
  private done: Promise<void> = Promise.resolve();

  async open(url: string, token: string | null, lastEventId?: string): Promise<number> {
    const res = await fetch(url, {
      headers: {
        accept: 'text/event-stream',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(lastEventId ? { 'last-event-id': lastEventId } : {}),
      },
      signal: this.abort.signal,
    });
    this.status = res.status;
    if (!res.ok || !res.body) {
      await res.body?.cancel();
      return res.status;
    }
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    this.done = (async () => {
      let buffer = '';
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return;
          buffer += value;
          let cut: number;
          while ((cut = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, cut);
            buffer = buffer.slice(cut + 2);
            let type = 'message';
            const data: string[] = [];
            for (const line of block.split('\n')) {
              if (line.startsWith('event:')) type = line.slice(6).trim();
              else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
            }
            if (data.length === 0) continue;
            const text = data.join('\n');
            let parsed: unknown = text;
            try {
              parsed = JSON.parse(text);
            } catch {
              // plain text data
            }
            this.events.push({ type, data: parsed, at: Date.now() });
          }
        }
      } catch {
        // aborted
      }
    })();
    return res.status;
  }

  ofType(type: string): SseEvent[] {
    return this.events.filter((e) => e.type === type);
  }

  async close(): Promise<void> {
    this.abort.abort();
    await this.done;
  }
}
