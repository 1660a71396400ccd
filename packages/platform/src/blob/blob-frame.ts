import { BlobIntegrityError } from './errors.js';
import { parseEnvelopeHeader, type EnvelopeHeader, type SealedEnvelope } from './envelope-cipher.js';

/**
 * The stored object: `"UHRB"` ‖ uint32-BE header length ‖ header JSON (UTF-8) ‖ ciphertext.
 * Header and body are one object so they can never be separated, and the anchored sha256 covers both —
 * including `contentType`, which therefore cannot be swapped without detection.
 */
const MAGIC = Buffer.from('UHRB', 'ascii');
const PREFIX_BYTES = MAGIC.length + 4;
const MAX_HEADER_BYTES = 16 * 1024;

export interface StoredBlobHeader extends EnvelopeHeader {
  contentType: string;
}

export interface BlobFrame {
  header: StoredBlobHeader;
  ciphertext: Buffer;
}

export function encodeBlobFrame(sealed: SealedEnvelope, contentType: string): Buffer {
  const header: StoredBlobHeader = { ...sealed.header, contentType };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(json.length);
  return Buffer.concat([MAGIC, length, json, sealed.ciphertext]);
}

/** @throws BlobIntegrityError when the bytes are not a well-formed UHR blob frame */
export function decodeBlobFrame(bytes: Buffer): BlobFrame {
  if (bytes.length < PREFIX_BYTES || !bytes.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new BlobIntegrityError('stored object is not a UHR encrypted blob (bad magic)');
  }
  const headerLength = bytes.readUInt32BE(MAGIC.length);
  if (headerLength > MAX_HEADER_BYTES || PREFIX_BYTES + headerLength > bytes.length) {
    throw new BlobIntegrityError(`blob header length ${headerLength} is out of range`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.subarray(PREFIX_BYTES, PREFIX_BYTES + headerLength).toString('utf8'));
  } catch (cause) {
    throw new BlobIntegrityError('blob header is not valid JSON', { cause });
  }
  const envelope = parseEnvelopeHeader(parsed);
  const contentType = (parsed as Record<string, unknown>)['contentType'];
  if (typeof contentType !== 'string') {
    throw new BlobIntegrityError('blob header has no contentType');
  }
  return { header: { ...envelope, contentType }, ciphertext: bytes.subarray(PREFIX_BYTES + headerLength) };
}
