import { randomBytes } from 'node:crypto';

const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** An opaque id: a prefix and 10 random characters — nothing about the person or organ can be read from it. */
export function opaqueId(prefix: 'DN' | 'OR'): string {
  const bytes = randomBytes(10);
  return `${prefix}-${Array.from(bytes, (b) => ALPHABET[b % ALPHABET.length]).join('')}`;
}
