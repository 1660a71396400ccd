import { Injectable } from '@nestjs/common';
import { RecordStatus } from '@uhr/contracts';
import { Contracts, type OnChainRecord } from '../chain/contracts.js';
import { ZERO_BYTES32 } from './domain/read-request.js';

interface GrantFacts {
  grantId: string;
  verdict: number;
  emergency: boolean;
  maxUses: number;
  purposeMatches: boolean;
}

/**
 * The chain facts a read decision needs. What can never change once set is cached for good: a record's
 * patient, author, hashes, and a terminal status (accepted/rejected). Whatever can change at any moment —
 * pending status, a grant's verdict (revocation, expiry, uses), the relationship — is asked of the chain on
 * every read, so a revocation binds every instance as soon as it is mined, and an unreachable node denies.
 */
@Injectable()
export class PermissionCache {
  private readonly records = new Map<string, OnChainRecord>();
  private static readonly MAX_ENTRIES = 100_000;

  constructor(private readonly contracts: Contracts) {}

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
    return { grantId, verdict, emergency: g.emergency, maxUses: Number(g.maxUses), purposeMatches: g.purpose.toLowerCase() === purpose.toLowerCase() };
  }
}
