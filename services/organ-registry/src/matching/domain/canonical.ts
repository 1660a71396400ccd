import { createKeccak } from 'hash-wasm';

/**
 * Canonical JSON (keys sorted, no whitespace, undefined members dropped; numbers as JSON writes them, finite
 * only) and its Keccak-256 — the bytes a replay must reproduce. Pure: the hasher is initialised once at import.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`canonical JSON: ${value} is not a finite number`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v === undefined ? null : v)).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  throw new TypeError(`canonical JSON: cannot encode a ${typeof value}`);
}

const hasher = await createKeccak(256);
// A second instance for one-shot hashes, so a part generator may hash (candidate digests) while a stream runs.
const oneShot = await createKeccak(256);

/** Keccak-256 (hex, no prefix) of one string's UTF-8 bytes. */
export function keccakHex(text: string): string {
  oneShot.init();
  oneShot.update(text);
  return oneShot.digest('hex');
}
/** Parts are written into this buffer as UTF-8 and fed to the WebAssembly hasher a buffer at a time. */
const chunk = Buffer.allocUnsafe(1 << 16);

export function canonicalHash(value: unknown): string {
  return `0x${keccakOfParts([canonicalJson(value)])}`;
}

/** Keccak-256 (hex, no prefix) of the concatenation of many strings, without building one large string. */
export function keccakOfParts(parts: Iterable<string>): string {
  hasher.init();
  let used = 0;
  for (const part of parts) {
    // A UTF-8 character is at most 3 bytes per UTF-16 unit.
    if (used + part.length * 3 > chunk.length) {
      if (used > 0) hasher.update(chunk.subarray(0, used));
      used = 0;
      if (part.length * 3 > chunk.length) {
        hasher.update(part);
        continue;
      }
    }
    used += chunk.write(part, used, 'utf8');
  }
  if (used > 0) hasher.update(chunk.subarray(0, used));
  return hasher.digest('hex');
}
