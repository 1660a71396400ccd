import { MerkleTree } from '@uhr/contracts';

/**
 * A Merkle batch (ADR 0008): the records whose authors signed since the last batch and the patients' answers
 * since then, each one leaf, cut into one tree whose root one transaction anchors. Pure: leaves come in already
 * hashed (see on-chain.ts), the tree and proofs go out.
 */
export interface BatchMember {
  recordId: string;
  leaf: string;
}

export interface CutBatch {
  root: string;
  leafCount: number;
  /** Each member's inclusion proof, comma-separated sibling hashes (as stored on the row). */
  recordProofs: Array<{ recordId: string; proof: string }>;
  responseProofs: Array<{ recordId: string; proof: string }>;
}

export function cutBatch(records: readonly BatchMember[], responses: readonly BatchMember[]): CutBatch | undefined {
  const members = [...records, ...responses];
  if (members.length === 0) return undefined;
  const tree = new MerkleTree(members.map((m) => m.leaf));
  const proofOf = (i: number) => tree.proof(i).join(',');
  return {
    root: tree.root,
    leafCount: members.length,
    recordProofs: records.map((m, i) => ({ recordId: m.recordId, proof: proofOf(i) })),
    responseProofs: responses.map((m, i) => ({ recordId: m.recordId, proof: proofOf(records.length + i) })),
  };
}

/** The proof as the row stores it, back to the list a verifier takes. */
export const proofOf = (stored: string | null): string[] => (stored ? stored.split(',') : []);

/** A patient–provider relationship, as bytes32 identity ids. */
export interface Pair {
  patientId: string;
  providerId: string;
}

export const pairKey = (p: Pair) => `${p.patientId}:${p.providerId}`.toLowerCase();

/** The relationships a batch's records need open on-chain: each (patient, provider) pair once. */
export function pairsOf(rows: readonly Pair[]): Pair[] {
  const seen = new Map<string, Pair>();
  for (const r of rows) seen.set(pairKey(r), { patientId: r.patientId, providerId: r.providerId });
  return [...seen.values()];
}
