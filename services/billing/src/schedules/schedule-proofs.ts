import { Injectable } from '@nestjs/common';
import { NotFoundError, type StreamAnchorProof } from '@uhr/platform';
import { verifyProof, type MerkleTree } from '@uhr/contracts';
import { Anchoring } from '../anchoring.js';
import { plain } from '../pricing/domain/money.js';
import type { ScheduleEntry } from '../pricing/domain/schedule.js';
import { entriesTree, entryLeaf, versionHash } from './domain/schedule-hash.js';
import { ScheduleRepository, type StoredVersion } from './schedule.repository.js';

const TREES_KEPT = 8;

/**
 * Two-level proof of one ceiling: entry leaf → the version's entries root (kept off-chain, recomputable from
 * the published entries), and the version hash (header + root) → an Anchors batch root on-chain.
 */
@Injectable()
export class ScheduleProofs {
  private readonly trees = new Map<string, MerkleTree>();

  constructor(
    private readonly schedules: ScheduleRepository,
    private readonly anchoring: Anchoring,
  ) {}

  versionAnchor(v: StoredVersion): Promise<StreamAnchorProof | undefined> {
    return this.anchoring.schedules.proofOf(v.anchorEntryId);
  }

  async entryOf(
    versionId: string,
    code: string,
  ): Promise<{ version: StoredVersion; entry: ScheduleEntry; leafIndex: number }> {
    const version = await this.schedules.byId(versionId);
    const hit = version && (await this.schedules.entry(versionId, code));
    if (!version || !hit) throw new NotFoundError('EntryNotFound', `no entry ${code} in schedule version ${versionId}`);
    return { version, ...hit };
  }

  async entryProof(versionId: string, code: string) {
    const { version, entry, leafIndex } = await this.entryOf(versionId, code);
    const tree = await this.treeOf(version);
    const leaf = entryLeaf(version.id, entry);
    const proof = tree.proof(leafIndex);
    const anchor = await this.versionAnchor(version);
    const recomputed = versionHash(version.id, version, version.regulator, tree.root);
    return {
      versionId: version.id,
      instrument: version.instrument,
      entry: { ...entry, ceilingPerUnit: plain(entry.ceilingPerUnit), taxRate: plain(entry.taxRate) },
      leaf,
      leafIndex,
      proof,
      entriesRoot: tree.root,
      versionHash: version.versionHash,
      anchor,
      verified:
        verifyProof(tree.root, leaf, proof) && recomputed === version.versionHash && anchor?.verifiedOnChain === true,
    };
  }

  private async treeOf(v: StoredVersion): Promise<MerkleTree> {
    let tree = this.trees.get(v.id);
    if (!tree) {
      tree = entriesTree(v.id, await this.schedules.entriesOf(v.id));
      if (tree.root !== v.entriesRoot) throw new Error(`schedule ${v.id}: stored entries do not match their root`);
      if (this.trees.size >= TREES_KEPT) this.trees.clear();
      this.trees.set(v.id, tree);
    }
    return tree;
  }
}
