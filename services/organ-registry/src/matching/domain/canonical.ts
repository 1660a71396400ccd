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
const encoder = new TextEncoder();

export function canonicalHash(value: unknown): string {
  return `0x${keccakOfParts([canonicalJson(value)])}`;
}

/** Keccak-256 (hex, no prefix) of the concatenation of many strings, without building one large string. */
export function keccakOfParts(parts: Iterable<string>): string {
  hasher.init();
  for (const part of parts) hasher.update(encoder.encode(part));
  return hasher.digest('hex');
}
