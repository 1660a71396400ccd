import { Injectable } from '@nestjs/common';
import { RecordStatus } from '@uhr/contracts';
import { Contracts, type OnChainRecord } from '../chain/contracts.js';
import { ZERO_BYTES32 } from './domain/read-request.js';
import { GrantIndex, verdictOf } from './grant-index.js';

interface GrantFacts {
  grantId: string;
  verdict: number;
  emergency: boolean;
  maxUses: number;
  purposeMatches: boolean;
}

/**
 * The chain facts a read decision needs. Grant decisions come from the event-fed GrantIndex while it is fresh;
 * what it does not know (a grant issued since its last poll) or any stale moment goes to the chain. What can never change once set is cached for good: a record's
 * patient, author, hashes, and a terminal status (accepted/rejected). Whatever can change at any moment —
 * pending status, a grant's verdict (revocation, expiry, uses), the relationship — is asked of the chain on
 * every read, so a revocation binds every instance as soon as it is mined, and an unreachable node denies.
 */
@Injectable()
export class PermissionCache {
  private readonly records = new Map<string, OnChainRecord>();
  private static readonly MAX_ENTRIES = 100_000;

  constructor(
    private readonly contracts: Contracts,
    private readonly index: GrantIndex,
  ) {}

  async record(recordChainId: string): Promise<OnChainRecord> {
    const hit = this.records.get(recordChainId);
    if (hit) return hit;
    const rec = await this.contracts.recordOf(recordChainId);
    const normalized = { ...rec, patientId: rec.patientId.toLowerCase(), providerId: rec.providerId.toLowerCase() };
    if (rec.status === RecordStatus.Accepted || rec.status === RecordStatus.Rejected) {
      if (this.records.size >= PermissionCache.MAX_ENTRIES) this.records.clear();
      this.records.set(recordChainId, normalized);
    }
    return normalized;
  }

  /** Only the author's reads depend on the relationship; others skip the call. */
  async relationshipActive(patientId: string, providerId: string, readerChainId: string): Promise<boolean> {
    if (readerChainId.toLowerCase() !== providerId.toLowerCase()) return false;
    return (await this.contracts.relationshipStatus(patientId, providerId)) === 1;
  }

  /** The grant a third party relies on: the one it names, or the first the chain permits (Consent.mayRead). */
  async grantFor(
    namedGrantId: string,
    reader: string,
    recordChainId: string,
    category: string,
    purpose: string,
    readerChainId: string,
    rec: OnChainRecord,
  ): Promise<GrantFacts | undefined> {
    const me = readerChainId.toLowerCase();
    const named = namedGrantId.toLowerCase() !== ZERO_BYTES32;
    if (!named && (me === rec.patientId || me === rec.providerId)) return undefined;
    const fromIndex = this.fromIndex(named ? namedGrantId : undefined, reader, recordChainId, category, purpose, rec);
    if (fromIndex) return fromIndex;
    const consent = this.contracts.consent;
    let grantId = namedGrantId;
    let verdict: number;
    if (grantId.toLowerCase() === ZERO_BYTES32) {
      const [permitted, found] = (await consent.mayRead!(reader, recordChainId, category)) as [boolean, string];
      if (!permitted) return undefined;
      grantId = found;
      verdict = 0;
    } else {
      verdict = Number(await consent.verdict!(grantId, reader, recordChainId, category));
    }
    const g = (await consent.grantOf!(grantId)) as { emergency: boolean; maxUses: bigint; purpose: string };
    return {
      grantId,
      verdict,
      emergency: g.emergency,
      maxUses: Number(g.maxUses),
      purposeMatches: g.purpose.toLowerCase() === purpose.toLowerCase(),
    };
  }

  /** A decision from the index, or undefined when the chain must be asked (stale index, grant not seen yet). */
  private fromIndex(
    named: string | undefined,
    reader: string,
    recordChainId: string,
    category: string,
    purpose: string,
    rec: OnChainRecord,
  ): GrantFacts | undefined {
    if (!this.index.fresh) return undefined;
    const now = Math.floor(Date.now() / 1000);
    const facts = (g: NonNullable<ReturnType<GrantIndex['get']>>, verdict: number): GrantFacts => ({
      grantId: g.grantId,
      verdict,
      emergency: g.emergency,
      maxUses: g.maxUses,
      purposeMatches: g.purpose === purpose.toLowerCase(),
    });
    if (named) {
      const g = this.index.get(named);
      return g ? facts(g, verdictOf(g, reader, rec, recordChainId, category, now)) : undefined;
    }
    const permitted = this.index
      .grantsTo(reader)
      .filter((g) => verdictOf(g, reader, rec, recordChainId, category, now) === 0);
    const best = permitted.find((g) => g.emergency || g.purpose === purpose.toLowerCase()) ?? permitted[0];
    if (best) return facts(best, 0);
    return undefined; // nothing permits it here: let the chain confirm (a grant may be newer than the index)
  }
}
