import type { DataSource, EntityManager } from 'typeorm';
import { returnedRows } from '../persistence/returning.js';

export const CHAIN_CHANNEL = 'uhr_chain_tx';

export interface ChainJob<R = unknown> {
  id: string;
  jobKey: string;
  kind: string;
  request: R;
  status: 'pending' | 'submitted' | 'confirmed' | 'failed';
  txHash: string | null;
  blockNumber: number | null;
  blockHash: string | null;
}

/** How one kind of chain write is made and what it does to the service's state once settled. */
export interface ChainJobHandler<R = unknown> {
  /** The call to send; with `gasLimit` the writer skips `eth_estimateGas` (a revert then shows in the receipt). */
  build(request: R): { to: string; data: string; gasLimit?: bigint };
  /**
   * True when the chain already holds the effect (a retry after a crash that sent the transaction but lost the
   * receipt, or after a rollback): the job is settled without a second transaction. Asked only before a job is
   * signed again, never on its first signing.
   */
  alreadyApplied?(request: R): Promise<boolean>;
  onConfirmed(manager: EntityManager, job: ChainJob<R>): Promise<void>;
  /** The contract refused (a revert): not retried; the service records why. */
  onRejected(manager: EntityManager, job: ChainJob<R>, reason: string): Promise<void>;
  /**
   * The block that confirmed the job left the canonical chain (reorg, node restored from an older backup). The
   * writer sends the job again; with this hook the service hears of it and `onConfirmed` runs again when it is
   * re-confirmed. Without it the service's state keeps saying confirmed and `onConfirmed` is not repeated
   * (ADR 0010).
   */
  onReverted?(manager: EntityManager, job: ChainJob<R>): Promise<void>;
}

export interface JobRow {
  id: string;
  job_key: string;
  kind: string;
  request: unknown;
  status: ChainJob['status'];
  nonce: string | null;
  tx_hash: string | null;
  raw_tx: string | null;
  block_number: string | null;
  block_hash: string | null;
  attempts: number;
  announced: boolean;
}

export const toJob = (r: JobRow): ChainJob => ({
  id: r.id,
  jobKey: r.job_key,
  kind: r.kind,
  request: r.request,
  status: r.status,
  txHash: r.tx_hash,
  blockNumber: r.block_number === null ? null : Number(r.block_number),
  blockHash: r.block_hash,
});

/** Queues a chain write in the caller's transaction (idempotent on jobKey). */
export async function enqueueChainJob(manager: EntityManager, jobKey: string, kind: string, request: unknown) {
  await manager.query(
    `insert into uhr_chain_tx (job_key, kind, request) values ($1, $2, $3) on conflict (job_key) do nothing`,
    [jobKey, kind, JSON.stringify(request)],
  );
  await manager.query(`select pg_notify('${CHAIN_CHANNEL}', '')`);
}

/** Where a settled job landed: a block for a mined transaction, nulls for an effect found already applied. */
export interface Landing {
  hash: string | null;
  block: number | null;
  blockHash: string | null;
}

export type Settlement = ({ outcome: 'confirmed' } | { outcome: 'rejected'; reason: string }) & {
  row: JobRow;
  at: Landing;
};

/** A block as the writer stored it: height and hash. */
export interface StoredBlock {
  n: number;
  hash: string;
}

export interface SignedJob {
  row: JobRow;
  nonce: number;
  hash: string;
  raw: string;
}

/** The SQL of uhr_chain_tx, in one place: the writer's only door to its table. */
export class ChainJobStore {
  constructor(private readonly ds: DataSource) {}

  pending(limit: number): Promise<JobRow[]> {
    return this.ds.query(
      `select * from uhr_chain_tx where status = 'pending' and next_attempt_at <= now() order by id limit $1`,
      [limit],
    );
  }

  /** Sent and not settled, lowest nonce first (a re-broadcast must fill nonces in order). */
  submitted(limit: number): Promise<JobRow[]> {
    return this.ds.query(`select * from uhr_chain_tx where status = 'submitted' order by nonce, id limit $1`, [limit]);
  }

  async highestOpenNonce(): Promise<number | undefined> {
    const rows: Array<{ n: string | null }> = await this.ds.query(
      `select max(nonce)::text as n from uhr_chain_tx where status = 'submitted'`,
    );
    return rows[0]?.n == null ? undefined : Number(rows[0].n);
  }

  async openCount(): Promise<number> {
    const rows: Array<{ n: string }> = await this.ds.query(
      `select count(*)::text as n from uhr_chain_tx where status in ('pending','submitted')`,
    );
    return Number(rows[0]?.n ?? 0);
  }

  /**
   * Records signed bytes before anything is broadcast, through `query` — the leader's own connection, so a
   * writer that lost its lock cannot store (and then send) a nonce the new leader also uses.
   */
  async storeSigned(
    query: (sql: string, params: unknown[]) => Promise<Array<{ id: string }>>,
    signed: SignedJob[],
  ): Promise<Set<string>> {
    if (signed.length === 0) return new Set();
    const rows = await query(
      `update uhr_chain_tx t set status = 'submitted', nonce = s.nonce, tx_hash = s.hash, raw_tx = s.raw,
         attempts = t.attempts + 1, updated_at = now()
       from unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[]) as s(id, nonce, hash, raw)
       where t.id = s.id and t.status = 'pending' returning t.id::text as id`,
      [signed.map((s) => s.row.id), signed.map((s) => s.nonce), signed.map((s) => s.hash), signed.map((s) => s.raw)],
    );
    return new Set(rows.map((r) => r.id));
  }

  async backToPending(ids: string[], why: string): Promise<void> {
    if (ids.length === 0) return;
    await this.ds.query(
      `update uhr_chain_tx set status = 'pending', last_error = $2, updated_at = now()
       where id = any($1::bigint[]) and status = 'submitted'`,
      [ids, why],
    );
  }

  /** Marks jobs settled; returns those this call moved (another writer may have settled some) and whether each had been announced before. */
  async markSettled(m: EntityManager, s: Settlement[]): Promise<Map<string, boolean>> {
    const rows = returnedRows<{ id: string; announced: boolean }>(
      await m.query(
        `with s as (select * from unnest($1::bigint[], $2::text[], $3::text[], $4::bigint[], $5::text[], $6::text[])
                      as s(id, status, hash, block, bhash, reason)),
              prev as (select t.id, t.announced from uhr_chain_tx t join s using (id)
                       where t.status in ('pending','submitted') for update of t)
         update uhr_chain_tx t set status = s.status, tx_hash = coalesce(s.hash, t.tx_hash), block_number = s.block,
           block_hash = s.bhash, last_error = s.reason, announced = t.announced or s.status = 'confirmed',
           updated_at = now()
         from s join prev using (id) where t.id = s.id returning t.id::text as id, prev.announced`,
        [
          s.map((x) => x.row.id),
          s.map((x) => (x.outcome === 'confirmed' ? 'confirmed' : 'failed')),
          s.map((x) => x.at.hash),
          s.map((x) => x.at.block),
          s.map((x) => x.at.blockHash),
          s.map((x) => (x.outcome === 'rejected' ? x.reason : null)),
        ],
      ),
    );
    return new Map(rows.map((r) => [r.id, r.announced]));
  }

  /** The blocks that confirmed the newest `jobs` jobs (one row per block), newest first. */
  async newestConfirmedBlocks(jobs: number): Promise<StoredBlock[]> {
    const rows: Array<{ n: string; hash: string }> = await this.ds.query(
      `select distinct n, hash from (select block_number as n, block_hash as hash from uhr_chain_tx
         where status = 'confirmed' and block_hash is not null order by block_number desc limit $1) newest
       order by n desc`,
      [jobs],
    );
    return rows.map(storedBlock);
  }

  /** Distinct confirming blocks at or below height `top`, newest first. */
  async confirmedBlocksAtOrBelow(top: number, limit: number): Promise<StoredBlock[]> {
    const rows: Array<{ n: string; hash: string }> = await this.ds.query(
      `select distinct block_number as n, block_hash as hash from uhr_chain_tx
       where status = 'confirmed' and block_hash is not null and block_number <= $1
       order by n desc, hash limit $2`,
      [top, limit],
    );
    return rows.map(storedBlock);
  }

  /** Jobs confirmed in these blocks are open again: their transaction is looked for or sent anew. */
  async reopenIn(m: EntityManager, blockHashes: string[]): Promise<JobRow[]> {
    return returnedRows<JobRow>(
      await m.query(
        `update uhr_chain_tx set status = 'submitted', block_number = null, block_hash = null,
           last_error = 'its block left the canonical chain', updated_at = now()
         where status = 'confirmed' and block_hash = any($1::text[]) returning *`,
        [blockHashes],
      ),
    );
  }
}

const storedBlock = (r: { n: string; hash: string }): StoredBlock => ({ n: Number(r.n), hash: r.hash });
