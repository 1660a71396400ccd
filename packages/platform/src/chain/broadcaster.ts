import { keccak256, type FeeData, type TransactionLike } from 'ethers';
import type { Logger } from 'pino';
import type { JobRow } from './chain-jobs.js';
import type { JsonRpcBatch, RpcCall, RpcError } from './json-rpc-batch.js';
import type { TransactionSigner } from './transaction-signer.js';

/** A receipt as the node sends it (quantities in hex). */
export interface RawReceipt {
  transactionHash: string;
  blockNumber: string;
  blockHash: string;
  status: string;
}

export interface SentTx {
  raw: string;
  hash: string;
}

export interface BroadcastResult {
  /** Hashes whose nonce went to another transaction: their jobs must be signed again. */
  taken: Set<string>;
  /** A refusal that is neither "known" nor "nonce taken" (funds, fees): the batch is retried later. */
  failure: RpcError | undefined;
}

/** Blocks mined without any awaited transaction before a pass stops waiting for them. */
const STALL_BLOCKS = 3;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Sends signed bytes and collects receipts, many per JSON-RPC request, for one signer. */
export class Broadcaster {
  constructor(
    private readonly rpc: JsonRpcBatch,
    private readonly address: string,
    private readonly signer: TransactionSigner,
    private readonly chainId: bigint,
    private readonly logger: Logger,
  ) {}

  /**
   * "Already known" means these very bytes reached the node before (a re-broadcast after a crash): success.
   * "Nonce too low" is success only if the node knows this transaction; otherwise another transaction used the
   * nonce (taken).
   */
  async broadcast(txs: SentTx[]): Promise<BroadcastResult> {
    const answers = await this.rpc.many<string>(txs.map((t) => ['eth_sendRawTransaction', [t.raw]]));
    const low: SentTx[] = [];
    let failure: RpcError | undefined;
    answers.forEach((a, i) => {
      if (a.ok) return;
      const msg = a.error.message.toLowerCase();
      if (msg.includes('already known') || msg.includes('already imported')) return;
      if (msg.includes('nonce too low') || msg.includes('nonce has already been used')) low.push(txs[i]!);
      else failure ??= a.error;
    });
    const known = await this.rpc.many<object | null>(low.map((t) => ['eth_getTransactionByHash', [t.hash]]));
    const taken = new Set(low.filter((_t, i) => !(known[i]!.ok && known[i]!.result)).map((t) => t.hash));
    return { taken, failure };
  }

  /**
   * Polls receipts of all the rows together, from 5 ms up to 250 ms apart, until each is mined or time is up.
   * It stops waiting early, leaving the rest to the next pass (which follows the chain and re-broadcasts), when
   * the node no longer knows one of them (a rollback took it, or its pool dropped it — anvil does under load —
   * leaving later nonces queued behind the gap), or when blocks go by without any of them (STALL_BLOCKS).
   */
  async receipts(rows: JobRow[], timeoutMs: number): Promise<Map<string, RawReceipt>> {
    const found = new Map<string, RawReceipt>();
    const deadline = Date.now() + timeoutMs;
    let waiting = rows.map((r) => r.tx_hash!);
    let progressAt: number | undefined;
    for (let delay = 5; waiting.length > 0; delay = Math.min(250, delay * 2)) {
      const [head, ...answers] = await this.rpc.many<RawReceipt | string | null>([
        ['eth_blockNumber', []],
        ...waiting.map((h): RpcCall => ['eth_getTransactionReceipt', [h]]),
      ]);
      answers.forEach((a, i) => a.ok && a.result && found.set(waiting[i]!, a.result as RawReceipt));
      const before = waiting.length;
      waiting = waiting.filter((h) => !found.has(h));
      const height = head!.ok ? Number(head!.result as string) : 0;
      if (progressAt === undefined || waiting.length < before) progressAt = height;
      if (waiting.length === 0 || Date.now() + delay > deadline || height - progressAt >= STALL_BLOCKS) break;
      if (delay === 250 && (await this.anyDropped(waiting))) break;
      await sleep(delay);
    }
    return found;
  }

  private async anyDropped(hashes: string[]): Promise<boolean> {
    const answers = await this.rpc.many<object | null>(hashes.map((h) => ['eth_getTransactionByHash', [h]]));
    return answers.some((a) => a.ok && a.result === null);
  }

  /**
   * Transactions that vanished (a node restored from an older backup) can leave nonces below the ones still
   * waiting unused, and the node then holds the waiting ones forever. Each such gap gets a zero-value transfer
   * to ourselves so the nonces after it can be mined.
   */
  async fillNonceGaps(waiting: JobRow[], fee: () => Promise<FeeData>): Promise<number> {
    if (waiting.length === 0) return 0;
    const address = this.address;
    const latest = Number(await this.rpc.one<string>('eth_getTransactionCount', [address, 'latest']));
    const held = new Set(waiting.map((r) => Number(r.nonce)));
    const gaps: number[] = [];
    for (let n = latest; n < Math.max(...held); n++) if (!held.has(n)) gaps.push(n);
    if (gaps.length === 0) return 0;
    this.logger.warn({ gaps: gaps.length, from: gaps[0] }, 'chain writer: filling nonce gaps left by vanished txs');
    const fillers: SentTx[] = [];
    const fees = await fee();
    for (const nonce of gaps) {
      const raw = this.sign({ to: address, value: 0n, nonce, gasLimit: 21_000n }, fees);
      fillers.push({ raw, hash: keccak256(raw) });
    }
    await this.broadcast(fillers);
    return gaps.length;
  }

  sign(tx: TransactionLike<string>, fee: FeeData): string {
    return this.signer.sign({
      ...tx,
      chainId: this.chainId,
      type: 2,
      maxFeePerGas: fee.maxFeePerGas ?? undefined,
      maxPriorityFeePerGas: fee.maxPriorityFeePerGas ?? undefined,
    });
  }
}
