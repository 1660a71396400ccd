/** A node's JSON-RPC error object, as it arrives (code, message, revert data). */
export interface RpcError {
  code: number;
  message: string;
  data?: unknown;
}

export type RpcOutcome<T> = { ok: true; result: T } | { ok: false; error: RpcError };

export type RpcCall = [method: string, params: unknown[]];

interface RpcAnswer {
  id: number;
  result?: unknown;
  error?: RpcError;
}

/**
 * JSON-RPC batches: many calls in one HTTP request, each answered on its own. The pipelined chain writer sends
 * hundreds of transactions and asks for hundreds of receipts per pass; one request each would cost more than
 * the node's work. ethers' provider batches only calls made in the same few milliseconds, and folds errors.
 */
export class JsonRpcBatch {
  private nextId = 1;

  constructor(
    private readonly url: string,
    private readonly maxPerRequest = 256,
  ) {}

  async many<T>(calls: RpcCall[]): Promise<RpcOutcome<T>[]> {
    const out: RpcOutcome<T>[] = [];
    for (let i = 0; i < calls.length; i += this.maxPerRequest) {
      out.push(...(await this.post<T>(calls.slice(i, i + this.maxPerRequest))));
    }
    return out;
  }

  /** One call; a node error throws. */
  async one<T>(method: string, params: unknown[]): Promise<T> {
    const [answer] = await this.many<T>([[method, params]]);
    if (!answer!.ok) throw new Error(`${method}: ${answer!.error.message}`);
    return answer!.result;
  }

  private async post<T>(calls: RpcCall[]): Promise<RpcOutcome<T>[]> {
    if (calls.length === 0) return [];
    const body = calls.map(([method, params]) => ({ jsonrpc: '2.0', id: this.nextId++, method, params }));
    const res = await fetch(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`JSON-RPC batch: HTTP ${res.status}`);
    const answers = (await res.json()) as RpcAnswer[] | RpcAnswer;
    // A node that refuses batches answers with one error object.
    if (!Array.isArray(answers)) throw new Error(`JSON-RPC batch refused: ${answers.error?.message ?? 'no array'}`);
    const byId = new Map(answers.map((a) => [a.id, a]));
    return body.map((b) => {
      const a = byId.get(b.id);
      if (!a) throw new Error(`JSON-RPC batch: no answer to ${b.method}`);
      return a.error ? { ok: false, error: a.error } : { ok: true, result: a.result as T };
    });
  }
}
