import { AbiCoder, concat, getBytes, hexlify, keccak256 } from 'ethers';

const coder = AbiCoder.defaultAbiCoder();

/** The Anchors leaf: keccak256(bytes.concat(keccak256(abi.encode(stream, seq, dataHash)))). */
export function anchorLeaf(stream: string, seq: bigint | number, dataHash: string): string {
  return keccak256(keccak256(coder.encode(['bytes32', 'uint64', 'bytes32'], [stream, seq, dataHash])));
}

function hashPair(a: Uint8Array, b: Uint8Array): Uint8Array {
  return getBytes(keccak256(compare(a, b) <= 0 ? concat([a, b]) : concat([b, a])));
}

function compare(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

/**
 * Merkle tree over already-hashed leaves, kept in the given order (leaf i = event firstSeq + i), with
 * sorted-pair hashing as OpenZeppelin MerkleProof expects. An odd node at the end of a level moves up unchanged.
 */
export class MerkleTree {
  private readonly layers: Uint8Array[][];

  constructor(leaves: readonly string[]) {
    if (leaves.length === 0) throw new Error('MerkleTree needs at least one leaf');
    let level = leaves.map((l) => getBytes(l));
    this.layers = [level];
    while (level.length > 1) {
      const next: Uint8Array[] = [];
      for (let i = 0; i < level.length; i += 2) {
        next.push(i + 1 < level.length ? hashPair(level[i]!, level[i + 1]!) : level[i]!);
      }
      this.layers.push(next);
      level = next;
    }
  }

  get root(): string {
    return hexlify(this.layers[this.layers.length - 1]![0]!);
  }

  get size(): number {
    return this.layers[0]!.length;
  }

  proof(index: number): string[] {
    if (!Number.isInteger(index) || index < 0 || index >= this.size) throw new RangeError(`no leaf ${index}`);
    const proof: string[] = [];
    for (let d = 0; d < this.layers.length - 1; d++) {
      const sibling = index ^ 1;
      const layer = this.layers[d]!;
      if (sibling < layer.length) proof.push(hexlify(layer[sibling]!));
      index >>= 1;
    }
    return proof;
  }
}

/** Off-chain equivalent of MerkleProof.verify. */
export function verifyProof(root: string, leaf: string, proof: readonly string[]): boolean {
  let node = getBytes(leaf);
  for (const p of proof) node = hashPair(node, getBytes(p));
  return hexlify(node) === root.toLowerCase();
}
