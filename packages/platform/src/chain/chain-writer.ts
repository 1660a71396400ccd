import {
  Interface,
  keccak256,
  JsonRpcProvider,
  Network,
  Wallet,
  type FeeData,
  type TransactionReceipt,
  type TransactionRequest,
} from 'ethers';
import type { Logger } from 'pino';
import type { DataSource, EntityManager } from 'typeorm';
import type { Leadership } from '../persistence/leadership.js';
import { returnedRows } from '../persistence/returning.js';
import { backoffMs, type Waker } from '../persistence/waker.js';

export const CHAIN_CHANNEL = 'uhr_chain_tx';

export interface ChainJob<R = unknown> {
  id: string;
  jobKey: string;
  kind: string;
  request: R;
  status: 'pending' | 'submitted' | 'confirmed' | 'failed';
  txHash: string | null;
  blockNumber: number | null;
}

/** How one kind of chain write is made and what it does to the service's state once settled. */
export interface ChainJobHandler<R = unknown> {
  /** The call to send. */
  build(request: R): { to: string; data: string };
  /**
   * True when the chain already holds the effect (a retry after a crash that sent the transaction but lost the
   * receipt): the job is settled without a second transaction.
   */
  alreadyApplied?(request: R): Promise<boolean>;
  onConfirmed(manager: EntityManager, job: ChainJob<R>): Promise<void>;
  /** The contract refused (a revert): not retried; the service records why. */
  onRejected(manager: EntityManager, job: ChainJob<R>, reason: string): Promise<void>;
}

class NonceTakenError extends Error {}

interface JobRow {
  id: string;
  job_key: string;
  kind: string;
  request: unknown;
  status: ChainJob['status'];
  nonce: string | null;
  tx_hash: string | null;
  raw_tx: string | null;
  block_number: string | null;
  attempts: number;
}

const toJob = (r: JobRow): ChainJob => ({
  id: r.id,
  jobKey: r.job_key,
  kind: r.kind,
  request: r.request,
  status: r.status,
  txHash: r.tx_hash,
  blockNumber: r.block_number === null ? null : Number(r.block_number),
});

/** Queues a chain write in the caller's transaction (idempotent on jobKey). */
export async function enqueueChainJob(manager: EntityManager, jobKey: string, kind: string, request: unknown) {
  await manager.query(
    `insert into uhr_chain_tx (job_key, kind, request) values ($1, $2, $3) on conflict (job_key) do nothing`,
    [jobKey, kind, JSON.stringify(request)],
  );
  await manager.query(`select pg_notify('${CHAIN_CHANNEL}', '')`);
}

/**
 * The service's single signer queue. Jobs are written to uhr_chain_tx in the same transaction as the event
 * that asks for them; this worker signs them with consecutive nonces it manages itself, stores the signed
 * transaction *before* broadcasting (so a crash can re-broadcast the very same bytes), waits for receipts and
 * settles each job (pending → submitted → confirmed | failed) with the handler's effect in one transaction.
 * While the node is down jobs wait and are retried with backoff; nothing is dropped.
 */
export class ChainWriter {
  readonly provider: JsonRpcProvider;
  readonly wallet: Wallet;
  private nextNonce: number | undefined;
  private readonly chainId: bigint;
  private running = false;
  private loop: Promise<void> | undefined;
  private failures = 0;
  lastError: string | undefined;
  private readonly errorInterfaces: Interface[] = [];
  private readonly handlers = new Map<string, ChainJobHandler<unknown>>();

  constructor(
    rpcUrl: string,
    chainId: number,
    privateKey: string,
    private readonly ds: DataSource,
    private readonly waker: Waker,
    private readonly logger: Logger,
    private readonly leader: Leadership,
    private readonly opts: {
      batchSize?: number;
      idlePollMs?: number;
      receiptTimeoutMs?: number;
    } = {},
  ) {
    this.chainId = BigInt(chainId);
    const network = Network.from(chainId);
    this.provider = new JsonRpcProvider(rpcUrl, network, {
      staticNetwork: network,
      batchMaxCount: 1,
    });
    this.wallet = new Wallet(privateKey, this.provider);
  }

  /** ABIs whose custom errors are decoded into readable revert reasons. */
  decodeErrorsWith(...abis: ConstructorParameters<typeof Interface>[0][]): this {
    for (const abi of abis) this.errorInterfaces.push(new Interface(abi));
    return this;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.waker.wake();
    await this.loop;
    await this.leader.release();
    this.provider.destroy();
  }

  async openCount(): Promise<number> {
    const rows: Array<{ n: string }> = await this.ds.query(
      `select count(*)::text as n from uhr_chain_tx where status in ('pending','submitted')`,
    );
    return Number(rows[0]?.n ?? 0);
  }

  /** A service registers one handler per kind of write before the writer starts. */
  register<R>(kind: string, handler: ChainJobHandler<R>): this {
    this.handlers.set(kind, handler as ChainJobHandler<unknown>);
    return this;
  }

  private handler(kind: string): ChainJobHandler<unknown> {
    const h = this.handlers.get(kind);
    if (!h) throw new Error(`no chain handler for job kind '${kind}'`);
    return h;
  }

  private async run(): Promise<void> {
    while (this.running) {
      let worked = 0;
      try {
        if (!(await this.leader.acquire())) {
          await this.waker.sleep(2000);
          continue;
        }
        worked = await this.tick();
        this.failures = 0;
        this.lastError = undefined;
      } catch (err) {
        this.failures += 1;
        this.nextNonce = undefined;
        this.lastError = (err as Error).message;
        this.logger.warn({ err: this.lastError, attempt: this.failures }, 'chain writer: node unavailable, will retry');
        await this.waker.sleep(backoffMs(this.failures, 250, 15_000));
        continue;
      }
      if (worked === 0) await this.waker.sleep(this.opts.idlePollMs ?? 1000);
    }
  }

  /** One pass: settle submitted jobs, then sign and send a batch of pending ones. */
  async tick(): Promise<number> {
    const submitted: JobRow[] = await this.ds.query(
      `select * from uhr_chain_tx where status = 'submitted' order by id limit 200`,
    );
    for (const row of submitted) await this.settleSubmitted(row);

    const pending: JobRow[] = await this.ds.query(
      `select * from uhr_chain_tx where status = 'pending' and next_attempt_at <= now() order by id limit $1`,
      [this.opts.batchSize ?? 50],
    );
    const sent: Array<{ row: JobRow; hash: string }> = [];
    const fee = pending.length > 0 ? await this.provider.getFeeData() : undefined;
    for (const row of pending) {
      const hash = await this.send(row, fee!);
      if (hash) sent.push({ row, hash });
    }
    for (const { row, hash } of sent) {
      const receipt = await this.receiptOf(hash);
      if (receipt) await this.settle(row, receipt);
    }
    return submitted.length + pending.length;
  }

  private async send(row: JobRow, fee: FeeData): Promise<string | undefined> {
    const handler = this.handler(row.kind);
    if (handler.alreadyApplied && (await handler.alreadyApplied(row.request))) {
      await this.confirm(row, null, null);
      return undefined;
    }
    const call = handler.build(row.request);
    let gasLimit: bigint;
    try {
      gasLimit = await this.provider.estimateGas({
        ...call,
        from: this.wallet.address,
      });
    } catch (err) {
      const reason = this.revertReason(err);
      if (reason === undefined) throw err; // the node, not the contract: retry later
      await this.reject(row, reason);
      return undefined;
    }
    if (this.nextNonce === undefined)
      this.nextNonce = await this.provider.getTransactionCount(this.wallet.address, 'pending');
    const tx: TransactionRequest = {
      ...call,
      nonce: this.nextNonce,
      gasLimit: (gasLimit * 12n) / 10n,
      chainId: this.chainId,
      type: 2,
      maxFeePerGas: fee.maxFeePerGas ?? undefined,
      maxPriorityFeePerGas: fee.maxPriorityFeePerGas ?? undefined,
    };
    const raw = await this.wallet.signTransaction(tx);
    const hash = keccak256(raw);
    await this.ds.query(
      `update uhr_chain_tx set status = 'submitted', nonce = $2, tx_hash = $3, raw_tx = $4, attempts = attempts + 1,
        updated_at = now() where id = $1`,
      [row.id, this.nextNonce, hash, raw],
    );
    this.nextNonce += 1;
    try {
      await this.broadcast(raw, hash);
    } catch (err) {
      if (!(err instanceof NonceTakenError)) throw err;
      await this.backToPending(row, 'nonce taken by another transaction');
      return undefined;
    }
    return hash;
  }

  /**
   * Sends signed bytes. "Already known" means these very bytes reached the node before (a re-broadcast after a
   * crash): success. "Nonce too low" is success only if the node knows this transaction; otherwise another
   * signer used the nonce and the job must be signed again (NonceTakenError).
   */
  private async broadcast(raw: string, hash: string): Promise<void> {
    try {
      await this.provider.broadcastTransaction(raw);
    } catch (err) {
      const msg = (err as Error).message.toLowerCase();
      if (msg.includes('already known') || msg.includes('already imported')) return;
      if (msg.includes('nonce too low') || msg.includes('nonce has already been used')) {
        if (await this.provider.getTransaction(hash)) return;
        throw new NonceTakenError(hash);
      }
      throw err;
    }
  }

  private async backToPending(row: JobRow, why: string): Promise<void> {
    this.nextNonce = undefined;
    this.logger.warn({ job: row.job_key, why }, 'chain writer: re-signing job');
    await this.ds.query(
      `update uhr_chain_tx set status = 'pending', last_error = $2, updated_at = now() where id = $1`,
      [row.id, why],
    );
  }

  private async settleSubmitted(row: JobRow): Promise<void> {
    const receipt = row.tx_hash ? await this.provider.getTransactionReceipt(row.tx_hash) : null;
    if (receipt) return this.settle(row, receipt);
    if (!row.raw_tx || !row.tx_hash) return this.backToPending(row, 'submitted without signed bytes');
    try {
      await this.broadcast(row.raw_tx, row.tx_hash);
    } catch (err) {
      // Its nonce went to another transaction: sign again (alreadyApplied guards against doing it twice).
      if (err instanceof NonceTakenError) return this.backToPending(row, 'nonce taken by another transaction');
      throw err;
    }
    const mined = await this.receiptOf(row.tx_hash);
    if (mined) await this.settle(row, mined);
  }

  /**
   * Polls for the receipt from 5 ms up to 1 s apart (ethers' own wait polls every 4 s, too slow for a dev chain
   * that mines at once, and pointless for one that mines every second). Null when it is not mined in time:
   * the job stays submitted and the next pass looks again.
   */
  private async receiptOf(hash: string): Promise<TransactionReceipt | null> {
    const deadline = Date.now() + (this.opts.receiptTimeoutMs ?? 30_000);
    for (let delay = 5; ; delay = Math.min(1000, delay * 2)) {
      const receipt = await this.provider.getTransactionReceipt(hash);
      if (receipt) return receipt;
      if (Date.now() + delay > deadline) return null;
      await new Promise((r) => setTimeout(r, delay));
    }
  }

  private async settle(row: JobRow, receipt: TransactionReceipt): Promise<void> {
    if (receipt.status === 1) return this.confirm(row, receipt.hash, receipt.blockNumber);
    await this.reject(row, 'transaction reverted on-chain');
  }

  private async confirm(row: JobRow, hash: string | null, block: number | null): Promise<void> {
    await this.ds.transaction(async (m) => {
      const updated = returnedRows(
        await m.query(
          `update uhr_chain_tx set status = 'confirmed', tx_hash = coalesce($2, tx_hash), block_number = $3,
           updated_at = now() where id = $1 and status in ('pending','submitted') returning id`,
          [row.id, hash, block],
        ),
      );
      if (updated.length === 0) return;
      await this.handler(row.kind).onConfirmed(
        m,
        toJob({
          ...row,
          status: 'confirmed',
          tx_hash: hash ?? row.tx_hash,
          block_number: block === null ? null : String(block),
        }),
      );
    });
  }

  private async reject(row: JobRow, reason: string): Promise<void> {
    this.logger.warn({ job: row.job_key, reason }, 'chain write rejected by contract');
    await this.ds.transaction(async (m) => {
      const updated = returnedRows(
        await m.query(
          `update uhr_chain_tx set status = 'failed', last_error = $2, updated_at = now()
          where id = $1 and status in ('pending','submitted') returning id`,
          [row.id, reason],
        ),
      );
      if (updated.length === 0) return;
      await this.handler(row.kind).onRejected(m, toJob({ ...row, status: 'failed' }), reason);
    });
  }

  /** A contract revert decoded to `ErrorName(args)`; undefined when the failure is not a revert. */
  private revertReason(err: unknown): string | undefined {
    const e = err as {
      code?: string;
      data?: string;
      info?: { error?: { data?: string } };
      revert?: { name: string };
    };
    if (e.code !== 'CALL_EXCEPTION') return undefined;
    const data = e.data ?? e.info?.error?.data;
    if (typeof data === 'string' && data.length >= 10) {
      for (const iface of this.errorInterfaces) {
        const parsed = iface.parseError(data);
        if (parsed) return `${parsed.name}(${parsed.args.map((a) => String(a)).join(', ')})`;
      }
      return `revert ${data.slice(0, 10)}`;
    }
    return e.revert?.name ?? 'reverted';
  }
}
