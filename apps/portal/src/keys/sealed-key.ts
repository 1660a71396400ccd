/**
 * The patient's signing key at rest: sealed with AES-256-GCM under a key derived from their passphrase with
 * PBKDF2-SHA-256 (WebCrypto only). The address is the additional data, so a file cannot be relabelled; a wrong
 * passphrase fails GCM's tag check and never yields a key. The same JSON is the backup file.
 */
export interface SealedKey {
  format: 'uhr-portal-key';
  version: 1;
  address: string;
  kdf: { name: 'PBKDF2'; hash: 'SHA-256'; iterations: number; salt: string };
  cipher: { name: 'AES-GCM'; iv: string; data: string };
  createdAt: string;
}

export class WrongPassphrase extends Error {
  constructor() {
    super('That passphrase does not open this key');
  }
}
export class NotAKeyFile extends Error {
  constructor(reason: string) {
    super(`This is not a key backup file: ${reason}`);
  }
}

export const DEFAULT_ITERATIONS = 600_000;
export const MIN_PASSPHRASE_LENGTH = 10;

const subtle = (): SubtleCrypto => globalThis.crypto.subtle;
const b64 = (bytes: Uint8Array): string => btoa(String.fromCharCode(...bytes));
const unb64 = (text: string): Uint8Array<ArrayBuffer> => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
const utf8 = (text: string): Uint8Array<ArrayBuffer> => new TextEncoder().encode(text);

async function wrappingKey(passphrase: string, salt: Uint8Array<ArrayBuffer>, iterations: number): Promise<CryptoKey> {
  const base = await subtle().importKey('raw', utf8(passphrase.normalize('NFC')), 'PBKDF2', false, ['deriveKey']);
  return subtle().deriveKey(
    { name: 'PBKDF2', hash: 'SHA-256', salt, iterations },
    base,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  );
}

/** Seals a 32-byte private key for `address` under `passphrase`. */
export async function sealKey(
  privateKey: Uint8Array<ArrayBuffer>,
  address: string,
  passphrase: string,
  iterations = DEFAULT_ITERATIONS,
): Promise<SealedKey> {
  if (privateKey.length !== 32) throw new Error('a private key is 32 bytes');
  if (passphrase.length < MIN_PASSPHRASE_LENGTH)
    throw new Error(`a passphrase has at least ${MIN_PASSPHRASE_LENGTH} characters`);
  const salt = globalThis.crypto.getRandomValues(new Uint8Array(16));
  const iv = globalThis.crypto.getRandomValues(new Uint8Array(12));
  const key = await wrappingKey(passphrase, salt, iterations);
  const data = await subtle().encrypt({ name: 'AES-GCM', iv, additionalData: utf8(address) }, key, privateKey);
  return {
    format: 'uhr-portal-key',
    version: 1,
    address,
    kdf: { name: 'PBKDF2', hash: 'SHA-256', iterations, salt: b64(salt) },
    cipher: { name: 'AES-GCM', iv: b64(iv), data: b64(new Uint8Array(data)) },
    createdAt: new Date().toISOString(),
  };
}

/** Opens a sealed key; throws WrongPassphrase unless the passphrase is the one it was sealed with. */
export async function openKey(sealed: SealedKey, passphrase: string): Promise<Uint8Array> {
  const key = await wrappingKey(passphrase, unb64(sealed.kdf.salt), sealed.kdf.iterations);
  try {
    const plain = await subtle().decrypt(
      { name: 'AES-GCM', iv: unb64(sealed.cipher.iv), additionalData: utf8(sealed.address) },
      key,
      unb64(sealed.cipher.data),
    );
    return new Uint8Array(plain);
  } catch {
    throw new WrongPassphrase();
  }
}

/** Checks a backup file's shape before it is stored (the passphrase check comes when it is opened). */
export function parseKeyFile(text: string): SealedKey {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new NotAKeyFile('it is not readable');
  }
  const k = v as Partial<SealedKey>;
  if (k?.format !== 'uhr-portal-key' || k.version !== 1) throw new NotAKeyFile('it was not made by this website');
  if (typeof k.address !== 'string' || !/^0x[0-9a-fA-F]{40}$/.test(k.address))
    throw new NotAKeyFile('it has no address');
  const iter = k.kdf?.iterations;
  if (k.kdf?.name !== 'PBKDF2' || typeof iter !== 'number' || iter < 100_000 || iter > 10_000_000)
    throw new NotAKeyFile('its protection settings are not ones we use');
  if (typeof k.kdf.salt !== 'string' || typeof k.cipher?.iv !== 'string' || typeof k.cipher.data !== 'string')
    throw new NotAKeyFile('it is incomplete');
  return k as SealedKey;
}
