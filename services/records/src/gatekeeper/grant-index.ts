import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { ConsentAbi } from '@uhr/contracts';
import { LOGGER } from '@uhr/platform';
import { Interface, type Log } from 'ethers';
import type { Logger } from 'pino';
import { Contracts } from '../chain/contracts.js';

export interface IndexedGrant {
  grantId: string;
  patientId: string;
  grantee: string;
  recordIds: Set<string>;
  categories: Set<string>;
  purpose: string;
  validFrom: number;
  validUntil: number;
  maxUses: number;
  uses: number;
  revoked: boolean;
  emergency: boolean;
}

const POLL_MS = 200;
/** Older than this, the index is not trusted and decisions go to the chain (which may answer "unavailable"). */
export const MAX_STALENESS_MS = 750;
const MAX_RANGE = 5_000;

/**
 * Every grant the Consent contract holds, kept in memory from its events (GrantIssued, GrantRevoked,
 * GrantConsumed, BreakGlassUsed), polled from the chain head every 200 ms. Decisions are taken from it only while
 * it is fresh (synced to the head within 750 ms), so a revocation mined on-chain binds every instance within a
 * second; when it is stale the gatekeeper asks the chain itself, and denies if the chain cannot answer.
 */
@Injectable()
export class GrantIndex implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly iface = new Interface(ConsentAbi);
  private readonly grants = new Map<string, IndexedGrant>();
  private readonly byGrantee = new Map<string, Set<string>>();
  private nextBlock = 0;
  private syncedAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly contracts: Contracts,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap() {
    const tick = () => {
      this.sync()
        .catch((err: Error) =>
          this.logger.warn({ err: err.message }, 'grant index: chain unreachable, decisions fall back to the chain'),
        )
        .finally(() => {
          if (this.stopped) return;
          this.timer = setTimeout(tick, POLL_MS);
          this.timer.unref();
        });
    };
    tick();
  }

  onApplicationShutdown() {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  get fresh(): boolean {
    return Date.now() - this.syncedAt < MAX_STALENESS_MS;
  }

  get size(): number {
    return this.grants.size;
  }

  /** Applies every Consent event up to the current head. */
  async sync(): Promise<void> {
    const startedAt = Date.now();
    const head = await this.contracts.writer.provider.getBlockNumber();
    while (this.nextBlock <= head) {
      const to = Math.min(head, this.nextBlock + MAX_RANGE - 1);
      const logs = await this.contracts.writer.provider.getLogs({
        address: this.contracts.consent.target as string,
        fromBlock: this.nextBlock,
        toBlock: to,
      });
      for (const log of logs) this.apply(log);
      this.nextBlock = to + 1;
    }
    this.syncedAt = startedAt;
  }

  private apply(log: Log): void {
    const e = this.iface.parseLog(log);
    if (!e) return;
    const id = String(e.args.grantId).toLowerCase();
    switch (e.name) {
      case 'GrantIssued':
        this.add({
          grantId: id,
          patientId: String(e.args.patientId).toLowerCase(),
          grantee: String(e.args.grantee).toLowerCase(),
          recordIds: new Set((e.args.recordIds as string[]).map((x) => x.toLowerCase())),
          categories: new Set((e.args.categories as string[]).map((x) => x.toLowerCase())),
          purpose: String(e.args.purpose).toLowerCase(),
          validFrom: Number(e.args.validFrom),
          validUntil: Number(e.args.validUntil),
          maxUses: Number(e.args.maxUses),
          uses: 0,
          revoked: false,
          emergency: false,
        });
        break;
      case 'BreakGlassUsed':
        this.add({
          grantId: id,
          patientId: String(e.args.patientId).toLowerCase(),
          grantee: String(e.args.grantee).toLowerCase(),
          recordIds: new Set(),
          categories: new Set(),
          purpose: String(e.args.reasonCode).toLowerCase(),
          validFrom: 0,
          validUntil: Number(e.args.validUntil),
          maxUses: 0,
          uses: 0,
          revoked: false,
          emergency: true,
        });
        break;
      case 'GrantRevoked': {
        const g = this.grants.get(id);
        if (g) g.revoked = true;
        break;
      }
      case 'GrantConsumed': {
        const g = this.grants.get(id);
        if (g) g.uses = Math.max(g.uses, Number(e.args.uses));
        break;
      }
      default:
        break;
    }
  }

  private add(g: IndexedGrant): void {
    this.grants.set(g.grantId, g);
    const set = this.byGrantee.get(g.grantee) ?? new Set<string>();
    set.add(g.grantId);
    this.byGrantee.set(g.grantee, set);
  }

  get(grantId: string): IndexedGrant | undefined {
    return this.grants.get(grantId.toLowerCase());
  }

  grantsTo(reader: string): IndexedGrant[] {
    return [...(this.byGrantee.get(reader.toLowerCase()) ?? [])].map((id) => this.grants.get(id)!);
  }
}

/** Consent._verdict, off-chain (same order of checks, same codes). `now` in unix seconds. */
export function verdictOf(
  g: IndexedGrant,
  reader: string,
  record: { patientId: string; status: number },
  recordId: string,
  category: string,
  now: number,
): number {
  if (g.revoked) return 2;
  if (now < g.validFrom) return 3;
  if (now >= g.validUntil) return 4;
  if (g.maxUses !== 0 && g.uses >= g.maxUses) return 5;
  if (reader.toLowerCase() !== g.grantee) return 6;
  if (record.patientId.toLowerCase() !== g.patientId || record.status === 0 || record.status === 3) return 7;
  if (!(g.emergency || g.recordIds.has(recordId.toLowerCase()) || g.categories.has(category.toLowerCase()))) return 8;
  return 0;
}
