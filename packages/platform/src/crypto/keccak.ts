import { keccak256 as ethersKeccak } from 'ethers';
import { createKeccak } from 'hash-wasm';

const hasher = await createKeccak(256);

/**
 * Keccak-256 in WebAssembly (hash-wasm): ~4 µs for a few hundred bytes where the pure-JS one takes ~40 µs. Every
 * record hashes its pointer, its leaf and its place in a Merkle tree, and every signature its typed data, so on a
 * bulk ingest the pure-JS hash was the records service's largest single cost. Synchronous: the module is
 * initialised once, at import.
 */
export function keccak256Bytes(data: Uint8Array): Uint8Array {
  hasher.init();
  hasher.update(data);
  return hasher.digest('binary');
}

// ethers hashes through a replaceable implementation: typed data, ids, ABI work and @uhr/contracts' leaves and
// Merkle trees all take the fast one once the platform is loaded (same bytes: checked in keccak.unit.spec.ts).
ethersKeccak.register(keccak256Bytes);
