import { Interface, keccak256, JsonRpcProvider, Network, Wallet, type FeeData } from 'ethers';
import type { Logger } from 'pino';
import type { DataSource, EntityManager } from 'typeorm';
import type { Leadership } from '../persistence/leadership.js';
import { backoffMs, type Waker } from '../persistence/waker.js';
import { Broadcaster, type RawReceipt } from './broadcaster.js';
import { CanonicalWatch } from './canonical-watch.js';
import {
  ChainJobStore,
  toJob,
  type ChainJobHandler,
  type JobRow,
  type Landing,
  type Settlement,
  type SignedJob,
} from './chain-jobs.js';
import { JsonRpcBatch } from './json-rpc-batch.js';
import { TransactionSigner } from './transaction-signer.js';

export { CHAIN_CHANNEL, enqueueChainJob, type ChainJob, type ChainJobHandler } from './chain-jobs.js';

export interface ChainWriterOptions {
  /** Jobs signed per pass and in flight at once, with consecutive nonces (UHR_CHAIN_MAX_IN_FLIGHT). */
  maxInFlight?: number;
  /** Blocks mined on top of a transaction's block before its job settles (UHR_CHAIN_CONFIRMATIONS). */
  confirmations?: number;
  idlePollMs?: number;
  /** How long one pass waits for receipts; jobs still unmined stay submitted for the next pass. */
  receiptTimeoutMs?: number;
}

/** A job ready to be signed: its call and gas limit are known. */
interface Prepared {
  row: JobRow;
  call: { to: string; data: string };
  gasLimit: bigint;
}

const NOWHERE: Landing = { hash: null, block: null, blockHash: null };

/**
 * The service's single signer queue, pipelined (ADR 0004, ADR 0010). Jobs are written to uhr_chain_tx in the
 * same transaction as the event that asks for them. Each pass takes up to `maxInFlight` of them, signs them
 * with consecutive nonces, stores the signed bytes *before* broadcasting (a crash re-broadcasts the very same
 * bytes), sends them in one JSON-RPC batch, awaits their receipts together and settles them — each handler's
 * effect — in one transaction. Confirmed blocks are watched: a job whose block leaves the chain is sent again.
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
  private readonly store: ChainJobStore;
  private readonly sender: Broadcaster;
  private readonly watch: CanonicalWatch;
  private readonly maxInFlight: number;

  constructor(
    rpcUrl: string,
    chainId: number,
    privateKey: string,
    private readonly ds: DataSource,
    private readonly waker: Waker,
    private readonly logger: Logger,
    private readonly leader: Leadership,
    private readonly opts: ChainWriterOptions = {},
  ) {
    this.chainId = BigInt(chainId);
    const network = Network.from(chainId);
    this.provider = new JsonRpcProvider(rpcUrl, network, { staticNetwork: network, batchMaxCount: 1 });
    this.wallet = new Wallet(privateKey, this.provider);
    const rpc = new JsonRpcBatch(rpcUrl);
    this.store = new ChainJobStore(ds);
    this.sender = new Broadcaster(rpc, this.wallet.address, new TransactionSigner(privateKey), this.chainId, logger);
    this.watch = new CanonicalWatch(this.store, rpc);
    this.maxInFlight = opts.maxInFlight ?? 256;
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

  openCount(): Promise<number> {
    return this.store.openCount();
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

  /**
   * One pass: follow the canonical chain, re-send what is submitted but unmined, sign and send a batch of
   * pending jobs, then settle everything in flight. Returns how many jobs it sent or settled.
   */
  async tick(): Promise<number> {
    await this.followCanonicalChain();
    let fees: Promise<FeeData> | undefined;
    const fee = () => (fees ??= this.provider.getFeeData()); // once per pass, and only when something is signed
    const open = await this.store.submitted(this.maxInFlight + 1);
    const waiting = await this.resend(open.slice(0, this.maxInFlight), fee);
    // While more are open than fit in the window (after a rollback), nothing new is signed: a fresh nonce above
    // open ones not yet re-sent could not be mined before them.
    const room = open.length > this.maxInFlight ? 0 : this.maxInFlight - waiting.length;
    const sent = room > 0 ? await this.sendNew(await this.store.pending(room), fee) : [];
    return sent.length + (await this.settleMined([...waiting, ...sent]));
  }

  /** Jobs whose confirming block left the chain are submitted again: found mined anew, re-sent or re-signed. */
  private async followCanonicalChain(): Promise<void> {
    const gone = await this.watch.vanished();
    if (gone.length === 0) return;
    this.nextNonce = undefined;
    await this.ds.transaction(async (m) => {
      const rows = await this.store.reopenIn(m, gone);
      this.logger.warn(
        { blocks: gone.length, jobs: rows.length },
        'chain writer: confirmed blocks vanished; re-sending',
      );
      for (const row of rows) await this.handler(row.kind).onReverted?.(m, toJob(row));
    });
  }

  /**
   * Submitted jobs without a receipt (a crash, a timeout, a vanished block) are broadcast again with their
   * stored bytes; a job whose nonce went elsewhere goes back to pending, to be signed again.
   */
  private async resend(open: JobRow[], fee: () => Promise<FeeData>): Promise<JobRow[]> {
    if (open.length === 0) return [];
    const mined = await this.sender.receipts(open, 0);
    const unmined = open.filter((r) => !mined.has(r.tx_hash!));
    const unsigned = unmined.filter((r) => !r.raw_tx);
    await this.store.backToPending(ids(unsigned), 'submitted without signed bytes');
    const again = unmined.filter((r) => r.raw_tx);
    const { taken, failure } = await this.sender.broadcast(again.map((r) => ({ raw: r.raw_tx!, hash: r.tx_hash! })));
    await this.resign(again.filter((r) => taken.has(r.tx_hash!)));
    if (failure) throw new Error(`re-broadcast refused: ${failure.message}`);
    const left = again.filter((r) => !taken.has(r.tx_hash!));
    await this.sender.fillNonceGaps(left, fee);
    return open.filter((r) => mined.has(r.tx_hash!) || left.includes(r));
  }

  private async resign(rows: JobRow[]): Promise<void> {
    if (rows.length === 0) return;
    this.nextNonce = undefined;
    this.logger.warn({ jobs: rows.length }, 'chain writer: nonce taken by another transaction; re-signing');
    await this.store.backToPending(ids(rows), 'nonce taken by another transaction');
  }

  /** Signs the batch with consecutive nonces, stores the bytes, then broadcasts them without awaiting each. */
  private async sendNew(pending: JobRow[], fee: () => Promise<FeeData>): Promise<JobRow[]> {
    const prepared = await this.prepare(pending);
    if (prepared.length === 0) return [];
    const first = await this.nonceToUse();
    const signed = this.sign(prepared, first, await fee());
    const stored = await this.store.storeSigned((sql, params) => this.leader.query(sql, params), signed);
    this.nextNonce = first + signed.length;
    const mine = signed.filter((s) => stored.has(s.row.id));
    const { taken, failure } = await this.sender.broadcast(mine);
    const sent = mine.map((s) => ({ ...s.row, status: 'submitted' as const, nonce: String(s.nonce), tx_hash: s.hash }));
    await this.resign(sent.filter((r) => taken.has(r.tx_hash)));
    if (failure) throw new Error(`broadcast refused: ${failure.message}`);
    return sent.filter((r) => !taken.has(r.tx_hash));
  }

  private async nonceToUse(): Promise<number> {
    if (this.nextNonce !== undefined) return this.nextNonce;
    const [onNode, highest] = await Promise.all([
      this.provider.getTransactionCount(this.wallet.address, 'pending'),
      this.store.highestOpenNonce(),
    ]);
    return Math.max(onNode, highest === undefined ? 0 : highest + 1);
  }

  private sign(prepared: Prepared[], first: number, fee: FeeData): SignedJob[] {
    const signed: SignedJob[] = [];
    for (const [i, p] of prepared.entries()) {
      const raw = this.sender.sign({ ...p.call, nonce: first + i, gasLimit: p.gasLimit }, fee);
      signed.push({ row: p.row, nonce: first + i, raw, hash: keccak256(raw) });
    }
    return signed;
  }

  /** Gas limits and the already-applied check, in parallel; jobs settled here never take a nonce. */
  private async prepare(rows: JobRow[]): Promise<Prepared[]> {
    const checked = await Promise.all(rows.map((r) => this.prepareOne(r)));
    await this.settle(checked.filter((c): c is Settlement => 'outcome' in c));
    return checked.filter((c): c is Prepared => !('outcome' in c));
  }

  private async prepareOne(row: JobRow): Promise<Prepared | Settlement> {
    const handler = this.handler(row.kind);
    // A job signed before may have reached the chain by another transaction (its nonce was taken, or a rollback).
    if (row.attempts > 0 && handler.alreadyApplied && (await handler.alreadyApplied(row.request))) {
      return { outcome: 'confirmed', row, at: NOWHERE };
    }
    const { to, data, gasLimit } = handler.build(row.request);
    if (gasLimit !== undefined) return { row, call: { to, data }, gasLimit };
    try {
      const estimate = await this.provider.estimateGas({ to, data, from: this.wallet.address });
      return { row, call: { to, data }, gasLimit: (estimate * 12n) / 10n };
    } catch (err) {
      const reason = this.revertReason(err);
      if (reason === undefined) throw err; // the node, not the contract: retry later
      return { outcome: 'rejected', row, reason, at: NOWHERE };
    }
  }

  /** Awaits the receipts of all rows together and settles those mined deep enough; returns how many settled. */
  private async settleMined(rows: JobRow[]): Promise<number> {
    if (rows.length === 0) return 0;
    const receipts = await this.sender.receipts(rows, this.opts.receiptTimeoutMs ?? 30_000);
    const depth = this.opts.confirmations ?? 0;
    const head = depth > 0 ? await this.provider.getBlockNumber() : Number.MAX_SAFE_INTEGER;
    const deep = rows.filter((r) => {
      const receipt = receipts.get(r.tx_hash!);
      return receipt !== undefined && head - Number(receipt.blockNumber) >= depth;
    });
    await this.settle(await Promise.all(deep.map((r) => this.settlementOf(r, receipts.get(r.tx_hash!)!))));
    return deep.length;
  }

  private async settlementOf(row: JobRow, receipt: RawReceipt): Promise<Settlement> {
    const at = { hash: receipt.transactionHash, block: Number(receipt.blockNumber), blockHash: receipt.blockHash };
    if (Number(receipt.status) === 1) return { outcome: 'confirmed', row, at };
    return { outcome: 'rejected', row, at, reason: await this.replayedReason(row, at.block) };
  }

  /** A mined revert carries no reason: replaying the call on the state before its block decodes it. */
  private async replayedReason(row: JobRow, block: number): Promise<string> {
    const { to, data } = this.handler(row.kind).build(row.request);
    try {
      await this.provider.call({ to, data, from: this.wallet.address, blockTag: Math.max(0, block - 1) });
    } catch (err) {
      const reason = this.revertReason(err);
      if (reason !== undefined) return reason;
    }
    return 'transaction reverted on-chain';
  }

  /**
   * Settles a batch in one transaction, each handler's effect with it. If one handler fails the batch is
   * settled job by job, so one bad job does not hold back the others; its error is thrown afterwards.
   */
  private async settle(batch: Settlement[]): Promise<void> {
    if (batch.length === 0) return;
    try {
      await this.ds.transaction((m) => this.settleIn(m, batch));
      return;
    } catch (err) {
      if (batch.length === 1) throw err;
      this.logger.warn({ err: (err as Error).message }, 'chain writer: settling job by job');
    }
    let failed: unknown;
    for (const one of batch) {
      await this.ds.transaction((m) => this.settleIn(m, [one])).catch((err: unknown) => (failed ??= err));
    }
    if (failed) throw failed;
  }

  private async settleIn(m: EntityManager, batch: Settlement[]): Promise<void> {
    const moved = await this.store.markSettled(m, batch);
    for (const s of batch) {
      const announced = moved.get(s.row.id);
      if (announced === undefined) continue; // settled by someone else meanwhile
      if (s.at.block !== null && s.at.blockHash !== null) this.watch.saw({ n: s.at.block, hash: s.at.blockHash });
      const handler = this.handler(s.row.kind);
      const job = toJob({
        ...s.row,
        status: s.outcome === 'confirmed' ? 'confirmed' : 'failed',
        tx_hash: s.at.hash ?? s.row.tx_hash,
        block_number: s.at.block === null ? null : String(s.at.block),
        block_hash: s.at.blockHash,
      });
      if (s.outcome === 'rejected') {
        this.logger.warn({ job: s.row.job_key, reason: s.reason }, 'chain write rejected by contract');
        await handler.onRejected(m, job, s.reason);
      } else if (!announced || handler.onReverted) {
        await handler.onConfirmed(m, job);
      }
    }
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

const ids = (rows: JobRow[]) => rows.map((r) => r.id);
