import pg from 'pg';

/**
 * One leader among a service's replicas, by a session-level PostgreSQL advisory lock held on a dedicated
 * connection. The chain writer needs it: one signer key, one nonce sequence, so exactly one replica signs.
 * If the leader dies its connection closes, the lock is released, and another replica takes over.
 */
export class Leadership {
  private client: pg.Client | undefined;
  private held = false;

  constructor(
    private readonly url: string,
    private readonly name: string,
  ) {}

  async acquire(): Promise<boolean> {
    if (this.held && this.client) return true;
    if (!this.client) {
      const client = new pg.Client({ connectionString: this.url });
      client.on('error', () => {
        this.held = false;
        this.client = undefined;
      });
      await client.connect();
      this.client = client;
    }
    const rows = await this.client.query<{ ok: boolean }>('select pg_try_advisory_lock(hashtext($1)) as ok', [
      this.name,
    ]);
    this.held = rows.rows[0]?.ok === true;
    return this.held;
  }

  /**
   * Runs a statement on the connection that holds the lock: if the lock was lost with its connection, the
   * statement fails instead of acting as a leader that no longer is (a fence for the chain writer's nonces).
   */
  async query<T>(sql: string, params: unknown[]): Promise<T[]> {
    if (!this.held || !this.client) throw new Error(`not the leader of ${this.name}`);
    try {
      return (await this.client.query(sql, params)).rows as T[];
    } catch (err) {
      await this.release();
      throw err;
    }
  }

  get isLeader(): boolean {
    return this.held;
  }

  async release(): Promise<void> {
    this.held = false;
    await this.client?.end().catch(() => undefined);
    this.client = undefined;
  }
}
