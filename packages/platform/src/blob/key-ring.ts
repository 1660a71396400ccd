import { createCipheriv, createDecipheriv, createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import { BlobIntegrityError, KeyRingError } from './errors.js';

export const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** iv ‖ tag ‖ AES-256-GCM(dataKey): the layout of a wrapped data key. */
export const WRAPPED_KEY_BYTES = IV_BYTES + TAG_BYTES + KEY_BYTES;

// kids travel in blob headers and S3 metadata, so they stay short and header-safe.
const KID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;
const BASE64_PATTERN = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export interface WrappedDataKey {
  kid: string;
  wrapped: Buffer;
}

/**
 * Key-encryption keys (KEKs) for envelope encryption. New writes wrap under the active kid; every kid still in
 * the ring can unwrap, so rotation is: add a kid, make it active, rewrap old blobs, then drop the old kid.
 */
export class KeyRing {
  readonly #keys: ReadonlyMap<string, KeyObject>;
  readonly #activeKid: string;

  /**
   * @param config `kid1:<base64 32 bytes>,kid2:<base64 32 bytes>` (whitespace around entries is ignored)
   * @param activeKid the kid that wraps new data keys; must be in `config`
   */
  static fromConfig(config: string, activeKid: string): KeyRing {
    const entries = config
      .split(',')
      .map((entry) => entry.trim())
      .filter((entry) => entry.length > 0);
    if (entries.length === 0) {
      throw new KeyRingError('EMPTY_CONFIG', 'key ring config is empty: expected "kid:base64key[,kid:base64key...]"');
    }
    const keys = new Map<string, Buffer>();
    entries.forEach((entry, index) => {
      const colon = entry.indexOf(':');
      if (colon < 0) {
        throw new KeyRingError('MALFORMED_ENTRY', `key ring entry #${index + 1} has no ":"; expected "kid:base64key"`);
      }
      const kid = entry.slice(0, colon).trim();
      const encoded = entry.slice(colon + 1).trim();
      if (!BASE64_PATTERN.test(encoded) || encoded.length === 0) {
        throw new KeyRingError('INVALID_BASE64', `key "${safeKidForMessage(kid)}" is not valid standard base64`);
      }
      if (keys.has(kid)) {
        throw new KeyRingError(
          'DUPLICATE_KID',
          `kid "${safeKidForMessage(kid)}" appears more than once in the key ring`,
        );
      }
      keys.set(kid, Buffer.from(encoded, 'base64'));
    });
    return new KeyRing(keys, activeKid);
  }

  constructor(keys: ReadonlyMap<string, Buffer>, activeKid: string) {
    const imported = new Map<string, KeyObject>();
    for (const [kid, key] of keys) {
      assertKid(kid);
      if (key.length !== KEY_BYTES) {
        throw new KeyRingError(
          'INVALID_KEY_LENGTH',
          `key "${kid}" is ${key.length} bytes; AES-256 needs exactly ${KEY_BYTES} (generate with: openssl rand -base64 32)`,
        );
      }
      imported.set(kid, createSecretKey(Buffer.from(key)));
    }
    if (!imported.has(activeKid)) {
      throw new KeyRingError(
        'UNKNOWN_ACTIVE_KID',
        `active kid "${safeKidForMessage(activeKid)}" is not in the key ring (kids: ${[...imported.keys()].join(', ') || 'none'})`,
      );
    }
    this.#keys = imported;
    this.#activeKid = activeKid;
  }

  get activeKid(): string {
    return this.#activeKid;
  }

  get kids(): readonly string[] {
    return [...this.#keys.keys()];
  }

  has(kid: string): boolean {
    return this.#keys.has(kid);
  }

  /** Wraps a data key under the active KEK. The kid is bound as AAD, so relabelling a wrapped key fails. */
  wrap(dataKey: Buffer): WrappedDataKey {
    if (dataKey.length !== KEY_BYTES) {
      throw new KeyRingError('INVALID_DATA_KEY', `data key must be ${KEY_BYTES} bytes, got ${dataKey.length}`);
    }
    const kid = this.#activeKid;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#kek(kid), iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(wrapAad(kid));
    const ciphertext = Buffer.concat([cipher.update(dataKey), cipher.final()]);
    return { kid, wrapped: Buffer.concat([iv, cipher.getAuthTag(), ciphertext]) };
  }

  /**
   * @throws KeyRingError (UNKNOWN_KID) when the kid was retired from this ring — a configuration problem
   * @throws BlobIntegrityError when the wrapped key does not authenticate (wrong KEK, relabelled kid, altered bytes)
   */
  unwrap(kid: string, wrapped: Buffer): Buffer {
    if (wrapped.length !== WRAPPED_KEY_BYTES) {
      throw new BlobIntegrityError(`wrapped key is ${wrapped.length} bytes, expected ${WRAPPED_KEY_BYTES}`);
    }
    const iv = wrapped.subarray(0, IV_BYTES);
    const tag = wrapped.subarray(IV_BYTES, IV_BYTES + TAG_BYTES);
    const ciphertext = wrapped.subarray(IV_BYTES + TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', this.#kek(kid), iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(wrapAad(kid));
    decipher.setAuthTag(tag);
    try {
      return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
    } catch (cause) {
      throw new BlobIntegrityError(`wrapped data key does not authenticate under kid "${kid}"`, { cause });
    }
  }

  // Keys live in private fields as KeyObjects: they never show up in logs, JSON or util.inspect.
  toJSON(): { activeKid: string; kids: readonly string[] } {
    return { activeKid: this.#activeKid, kids: this.kids };
  }

  #kek(kid: string): KeyObject {
    const key = this.#keys.get(kid);
    if (!key) {
      throw new KeyRingError(
        'UNKNOWN_KID',
        `kid "${safeKidForMessage(kid)}" is not in the key ring (kids: ${this.kids.join(', ')}); was it retired before its blobs were rewrapped?`,
      );
    }
    return key;
  }
}

function wrapAad(kid: string): Buffer {
  return Buffer.from(`uhr-kek/v1:${kid}`, 'utf8');
}

function assertKid(kid: string): void {
  if (!KID_PATTERN.test(kid)) {
    throw new KeyRingError('INVALID_KID', `kid "${safeKidForMessage(kid)}" must match ${KID_PATTERN.source}`);
  }
}

// A malformed config might put a key where the kid belongs; never echo more than a short prefix.
function safeKidForMessage(kid: string): string {
  return kid.length > 16 ? `${kid.slice(0, 8)}…` : kid;
}
