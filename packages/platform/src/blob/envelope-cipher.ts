import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { BlobIntegrityError } from './errors.js';
import { KEY_BYTES, WRAPPED_KEY_BYTES, type KeyRing } from './key-ring.js';

const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Everything needed to decrypt a body besides the KEK and the AAD. Binary fields are standard base64. */
export interface EnvelopeHeader {
  v: 1;
  alg: 'AES-256-GCM';
  kid: string;
  wrappedKey: string;
  iv: string;
  tag: string;
}

export interface SealedEnvelope {
  ciphertext: Buffer;
  header: EnvelopeHeader;
}

/**
 * Encrypts `plaintext` under a fresh random 256-bit data key, and wraps that key under the ring's active KEK.
 * `aad` must identify where the blob lives (its object key): opening it under another name fails, so two blobs
 * swapped in storage are detected.
 */
export function seal(plaintext: Buffer, keyRing: KeyRing, aad: string): SealedEnvelope {
  const dataKey = randomBytes(KEY_BYTES);
  try {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', dataKey, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(bodyAad(aad));
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    const { kid, wrapped } = keyRing.wrap(dataKey);
    return {
      ciphertext,
      header: {
        v: 1,
        alg: 'AES-256-GCM',
        kid,
        wrappedKey: wrapped.toString('base64'),
        iv: iv.toString('base64'),
        tag: cipher.getAuthTag().toString('base64'),
      },
    };
  } finally {
    dataKey.fill(0);
  }
}

/**
 * @throws BlobIntegrityError wrong KEK, wrong `aad`, altered header or ciphertext
 * @throws KeyRingError (UNKNOWN_KID) the header names a kid this ring does not hold
 */
export function open(sealed: SealedEnvelope, keyRing: KeyRing, aad: string): Buffer {
  const header = parseEnvelopeHeader(sealed.header);
  const dataKey = keyRing.unwrap(header.kid, Buffer.from(header.wrappedKey, 'base64'));
  try {
    const decipher = createDecipheriv('aes-256-gcm', dataKey, Buffer.from(header.iv, 'base64'), {
      authTagLength: TAG_BYTES,
    });
    decipher.setAAD(bodyAad(aad));
    decipher.setAuthTag(Buffer.from(header.tag, 'base64'));
    try {
      return Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]);
    } catch (cause) {
      throw new BlobIntegrityError('blob ciphertext does not authenticate (altered bytes or wrong object key)', {
        cause,
      });
    }
  } finally {
    dataKey.fill(0);
  }
}

/**
 * Re-wraps the data key under the ring's active kid; the body (and its iv/tag) stays as it is. Returns the
 * same header when it already uses the active kid.
 */
export function rewrapHeader(header: EnvelopeHeader, keyRing: KeyRing): EnvelopeHeader {
  const current = parseEnvelopeHeader(header);
  if (current.kid === keyRing.activeKid) {
    return current;
  }
  const dataKey = keyRing.unwrap(current.kid, Buffer.from(current.wrappedKey, 'base64'));
  try {
    const { kid, wrapped } = keyRing.wrap(dataKey);
    return { ...current, kid, wrappedKey: wrapped.toString('base64') };
  } finally {
    dataKey.fill(0);
  }
}

/** Validates an untrusted header (e.g. parsed from storage). Anything off is an integrity failure. */
export function parseEnvelopeHeader(value: unknown): EnvelopeHeader {
  if (typeof value !== 'object' || value === null) {
    throw new BlobIntegrityError('envelope header is not an object');
  }
  const h = value as Record<string, unknown>;
  if (h['v'] !== 1) {
    throw new BlobIntegrityError(`unsupported envelope version ${JSON.stringify(h['v'])}`);
  }
  if (h['alg'] !== 'AES-256-GCM') {
    throw new BlobIntegrityError(`unsupported envelope algorithm ${JSON.stringify(h['alg'])}`);
  }
  const kid = h['kid'];
  if (typeof kid !== 'string' || kid.length === 0) {
    throw new BlobIntegrityError('envelope header has no kid');
  }
  return {
    v: 1,
    alg: 'AES-256-GCM',
    kid,
    wrappedKey: base64Field(h, 'wrappedKey', WRAPPED_KEY_BYTES),
    iv: base64Field(h, 'iv', IV_BYTES),
    tag: base64Field(h, 'tag', TAG_BYTES),
  };
}

function base64Field(h: Record<string, unknown>, name: string, bytes: number): string {
  const value = h[name];
  if (typeof value !== 'string' || Buffer.from(value, 'base64').length !== bytes) {
    throw new BlobIntegrityError(`envelope header field "${name}" must be base64 of ${bytes} bytes`);
  }
  return value;
}

// Domain-separated so a body AAD can never collide with the KEK-wrap AAD.
function bodyAad(aad: string): Buffer {
  if (aad.length === 0) {
    throw new RangeError('envelope AAD must name the blob (its object key); an empty AAD would not bind it');
  }
  return Buffer.from(`uhr-blob/v1:${aad}`, 'utf8');
}
