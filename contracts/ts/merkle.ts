import { concat, getBytes, hexlify, keccak256 } from 'ethers';

const UINT64_MAX = (1n << 64n) - 1n;

/**
 * The Anchors leaf: keccak256(bytes.concat(keccak256(abi.encode(stream, seq, dataHash)))).
 * abi.encode(bytes32, uint64, bytes32) is three 32-byte words (the uint64 right-aligned), written out directly:
 * the generic ABI coder made a 250-entry audit batch block the gatekeeper's event loop for ~70 ms.
 */
export function anchorLeaf(stream: string, seq: bigint | number, dataHash: string): string {
  const s = BigInt(seq);
  if (s < 0n || s > UINT64_MAX) throw new RangeError(`seq ${seq} is not a uint64`);
  const words = new Uint8Array(96);
  words.set(bytes32(stream, 'stream'), 0);
  new DataView(words.buffer).setBigUint64(56, s);
  words.set(bytes32(dataHash, 'dataHash'), 64);
  return keccak256(keccak256(words));
}

function bytes32(hex: string, name: string): Uint8Array {
  const b = getBytes(hex);
  if (b.length !== 32) throw new RangeError(`${name} must be 32 bytes, got ${b.length}`);
  return b;
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
