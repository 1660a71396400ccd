import { BlobIntegrityError } from './errors.js';
import { open, seal, type EnvelopeHeader } from './envelope-cipher.js';
import type { KeyRing } from './key-ring.js';

/**
 * A short text about a patient (a record's title) sealed for a database column or an event: the same envelope as
 * a blob — a fresh data key, AES-256-GCM, the key wrapped by the ring's active KEK — in one printable string,
 * `<base64url header JSON>.<base64url ciphertext>`. `aad` names what the text belongs to (a record id): a sealed
 * text copied onto another row does not open there.
 */
export function sealText(text: string, ring: KeyRing, aad: string): string {
  const { header, ciphertext } = seal(Buffer.from(text, 'utf8'), ring, aad);
  return `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${ciphertext.toString('base64url')}`;
}

/** @throws BlobIntegrityError for a malformed, altered or misplaced sealed text */
export function openText(sealed: string, ring: KeyRing, aad: string): string {
  const dot = sealed.indexOf('.');
  let header: EnvelopeHeader;
  try {
    if (dot < 1) throw new Error('no separator');
    header = JSON.parse(Buffer.from(sealed.slice(0, dot), 'base64url').toString('utf8')) as EnvelopeHeader;
  } catch (cause) {
    throw new BlobIntegrityError('sealed text is malformed', { cause });
  }
  const ciphertext = Buffer.from(sealed.slice(dot + 1), 'base64url');
  return open({ header, ciphertext }, ring, aad).toString('utf8');
}
