import { Injectable } from '@nestjs/common';
import { verifyProof } from '@uhr/contracts';
import { chainIdOf } from '@uhr/platform';
import { Contracts } from '../chain/contracts.js';
import { proofOf } from '../records/batches/domain/batch.js';
import { pointerHashOf, pointerOf, recordLeafOf, responseLeafOf } from '../records/domain/on-chain.js';
import type { RecordRow } from '../records/record.repository.js';
import { ZERO_BYTES32 } from './domain/read-request.js';
import { GrantIndex, verdictOf } from './grant-index.js';

interface GrantFacts {
  grantId: string;
  verdict: number;
  emergency: boolean;
  maxUses: number;
  purposeMatches: boolean;
}

/** A record as its anchored batches prove it. status: 0 not anchored, 1 pending, 2 accepted, 3 rejected. */
export interface AnchoredRecord {
  patientId: string;
  providerId: string;
  contentHash: string;
  status: number;
}

/** What the anchors say of a row: proven, not (yet) anchored, or a row that is not the one anchored. */
export type AnchorCheck =
  | { kind: 'anchored'; record: AnchoredRecord }
  | { kind: 'unanchored' }
  | { kind: 'mismatch'; root: string; leaf: string };

/**
 * The chain facts a read decision needs. A record is proven by its row alone: the leaf recomputed from the row's
 * fields (the pointer hash from its blob key, category and types) must be in the batch root the row names, and
 * that root must be anchored in Relationships — a root never changes once anchored, so the yes is cached and a
 * proof costs a dozen hashes. The same goes for the patient's answer. Grant decisions come from the event-fed
 * GrantIndex while it is fresh; what it does not know (a grant issued since its last poll) or any stale moment
 * goes to the chain, and so does the relationship on an author's read: a revocation binds every instance as
 * soon as it is mined, and an unreachable node denies.
 */
@Injectable()
export class PermissionCache {
  constructor(
    private readonly contracts: Contracts,
    private readonly index: GrantIndex,
  ) {}

  async anchorOf(row: RecordRow): Promise<AnchorCheck> {
    if (row.anchor_root === null || !(await this.contracts.isAnchored(row.anchor_root))) return { kind: 'unanchored' };
    const leaf = recordLeafOf(row, pointerHashOf(pointerOf(row)));
    if (!verifyProof(row.anchor_root, leaf, proofOf(row.anchor_proof))) {
      return { kind: 'mismatch', root: row.anchor_root, leaf };
    }
    const record = {
      patientId: chainIdOf(row.patient_id),
      providerId: chainIdOf(row.provider_id),
      contentHash: row.content_hash,
      status: await this.answerOf(row),
    };
    return { kind: 'anchored', record };
  }

  /** 2 accepted / 3 rejected when the patient's signed answer is in an anchored batch; else 1, pending. */
  private async answerOf(row: RecordRow): Promise<number> {
    if (row.response_root === null || row.response_accept === null) return 1;
    if (!verifyProof(row.response_root, responseLeafOf(row), proofOf(row.response_proof))) return 1;
    if (!(await this.contracts.isAnchored(row.response_root))) return 1;
    return row.response_accept ? 2 : 3;
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
    rec: AnchoredRecord,
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
      const [permitted, found] = (await consent.mayRead!(reader, rec.patientId, recordChainId, category)) as [
        boolean,
        string,
      ];
      if (!permitted) return undefined;
      grantId = found;
      verdict = 0;
    } else {
      verdict = Number(await consent.verdict!(grantId, reader, rec.patientId, recordChainId, category));
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
    rec: AnchoredRecord,
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
