import { createHash, timingSafeEqual } from 'node:crypto';
import type { Readable } from 'node:stream';
import { Client, InvalidXMLError, S3Error } from 'minio';
import { decodeBlobFrame, encodeBlobFrame } from './blob-frame.js';
import { blobAad, packedRef, parseBlobRef } from './blob-ref.js';
import { open, rewrapHeader, seal } from './envelope-cipher.js';
import {
  BlobNotFoundError,
  BlobStoreUnavailableError,
  BlobTamperedError,
  type BlobStoreUnavailableReason,
} from './errors.js';
import type { KeyRing } from './key-ring.js';

export interface EncryptedBlobStoreOptions {
  /** e.g. `http://127.0.0.1:59000`; https selects TLS. */
  endpoint: string;
  accessKey: string;
  secretKey: string;
  bucket: string;
  region?: string;
  /** Upper bound per S3 call, so a hung server surfaces as `unreachable` instead of hanging a request. */
  requestTimeoutMs?: number;
}

export interface BlobWriteResult {
  key: string;
  /** Hex sha256 of the stored object bytes (header + ciphertext): the value to anchor on-chain. */
  sha256: string;
  /** Size in bytes of the stored object (what `sha256` covers), not of the plaintext. */
  size: number;
  kid: string;
}

export interface BlobRewrapResult extends BlobWriteResult {
  previousSha256: string;
  /** false when the blob already used the active kid; nothing was written and the sha256 is unchanged. */
  rewrapped: boolean;
}

export interface BlobReadResult {
  plaintext: Buffer;
  contentType: string;
}

const STORED_CONTENT_TYPE = 'application/vnd.uhr.encrypted-blob';
const SHA256_HEX = /^[0-9a-f]{64}$/;
const MAX_KEY_BYTES = 1024;
const ACCESS_DENIED_CODES = new Set([
  'AccessDenied',
  'SignatureDoesNotMatch',
  'InvalidAccessKeyId',
  'InvalidToken',
  'ExpiredToken',
  'AuthorizationHeaderMalformed',
  'RequestTimeTooSkewed',
]);

/**
 * S3 holds only ciphertext. Each object is one self-contained frame (see blob-frame.ts) encrypted under its own
 * data key; the returned sha256 is anchored on-chain and checked on every read before anything is decrypted.
 */
export class EncryptedBlobStore {
  readonly #client: Client;
  readonly #bucket: string;
  readonly #region: string;
  readonly #timeoutMs: number;
  readonly #keyRing: KeyRing;

  constructor(options: EncryptedBlobStoreOptions, keyRing: KeyRing) {
    const url = parseEndpoint(options.endpoint);
    if (!options.accessKey || !options.secretKey) {
      throw new RangeError('EncryptedBlobStore needs an accessKey and a secretKey');
    }
    if (!options.bucket) {
      throw new RangeError('EncryptedBlobStore needs a bucket');
    }
    this.#bucket = options.bucket;
    this.#region = options.region ?? 'us-east-1';
    this.#timeoutMs = options.requestTimeoutMs ?? 30_000;
    this.#keyRing = keyRing;
    this.#client = new Client({
      endPoint: url.hostname,
      port: url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80,
      useSSL: url.protocol === 'https:',
      region: this.#region,
      pathStyle: true,
      accessKey: options.accessKey,
      secretKey: options.secretKey,
    });
  }

  get bucket(): string {
    return this.#bucket;
  }

  /** Creates the bucket when it does not exist; safe to call from several instances at once. */
  async ensureBucket(): Promise<void> {
    if (await this.#call('ensureBucket', undefined, () => this.#client.bucketExists(this.#bucket))) {
      return;
    }
    try {
      await this.#call('ensureBucket', undefined, () => this.#client.makeBucket(this.#bucket, this.#region));
    } catch (error) {
      const code = error instanceof BlobStoreUnavailableError ? error.code : undefined;
      if (code !== 'BucketAlreadyOwnedByYou' && code !== 'BucketAlreadyExists') {
        throw error;
      }
    }
  }

  /** Health check: resolves when the bucket is reachable with our credentials. */
  async ping(): Promise<void> {
    const exists = await this.#call('ping', undefined, () => this.#client.bucketExists(this.#bucket));
    if (!exists) {
      throw new BlobStoreUnavailableError(
        'bucket-missing',
        'ping',
        `bucket "${this.#bucket}" does not exist`,
        'NoSuchBucket',
      );
    }
  }

  async put(key: string, plaintext: Buffer, contentType: string): Promise<BlobWriteResult> {
    assertObjectKey(key);
    if (parseBlobRef(key).range) throw new RangeError(`"${key}" reads as a packed blob ref: choose another key`);
    if (!contentType) {
      throw new RangeError('put needs a contentType');
    }
    const sealed = seal(plaintext, this.#keyRing, key);
    return this.#write('put', key, encodeBlobFrame(sealed, contentType), sealed.header.kid);
  }

  /**
   * Several blobs in ONE object (a pack): each sealed under its own data key (AAD: pack key + offset) into its
   * own frame, the frames concatenated and written with a single PUT. Returns, in order, each blob's ref
   * (`<objectKey>#<offset>+<length>`, see blob-ref.ts) and the sha256 of its frame — what to anchor. `get` and
   * `getRaw` read a ref back with a ranged GET. One request instead of hundreds is what bulk ingest needs.
   */
  async putMany(
    objectKey: string,
    items: ReadonlyArray<{ plaintext: Buffer; contentType: string }>,
  ): Promise<BlobWriteResult[]> {
    assertObjectKey(objectKey);
    if (items.length === 0) throw new RangeError('putMany needs at least one blob');
    const frames: Buffer[] = [];
    const results: BlobWriteResult[] = [];
    let offset = 0;
    for (const item of items) {
      if (!item.contentType) throw new RangeError('putMany needs a contentType for every blob');
      const sealed = seal(item.plaintext, this.#keyRing, `${objectKey}#${offset}`);
      const frame = encodeBlobFrame(sealed, item.contentType);
      frames.push(frame);
      results.push({
        key: packedRef(objectKey, offset, frame.length),
        sha256: createHash('sha256').update(frame).digest('hex'),
        size: frame.length,
        kid: sealed.header.kid,
      });
      offset += frame.length;
    }
    const bytes = Buffer.concat(frames);
    await this.#call('putMany', objectKey, () =>
      this.#client.putObject(this.#bucket, objectKey, bytes, bytes.length, {
        'Content-Type': STORED_CONTENT_TYPE,
        'uhr-pack-frames': String(items.length),
      }),
    );
    return results;
  }

  /**
   * Verifies the stored bytes against the anchored hash first; only a match is decrypted.
   * @throws BlobTamperedError stored bytes do not hash to `expectedSha256`
   * @throws BlobIntegrityError hash matches but decryption fails (wrong KEK, blob stored under another key)
   * @throws BlobNotFoundError | BlobStoreUnavailableError
   */
  async get(key: string, expectedSha256: string): Promise<BlobReadResult> {
    const expected = normalizeSha256(expectedSha256);
    const stored = await this.getRaw(key);
    verifyAnchor(key, expected, stored);
    const frame = decodeBlobFrame(stored);
    const plaintext = open({ header: frame.header, ciphertext: frame.ciphertext }, this.#keyRing, blobAad(key));
    return { plaintext, contentType: frame.header.contentType };
  }

  /**
   * The stored bytes as they are (header + ciphertext), unverified — a whole object, or a packed frame's byte
   * range. For callers that verify against their anchor themselves (the gatekeeper), tests and tools.
   */
  async getRaw(ref: string): Promise<Buffer> {
    const { objectKey, range } = parseBlobRef(ref);
    assertObjectKey(objectKey);
    return this.#call('get', objectKey, async () =>
      readAll(
        range
          ? await this.#client.getPartialObject(this.#bucket, objectKey, range.offset, range.length)
          : await this.#client.getObject(this.#bucket, objectKey),
      ),
    );
  }

  /**
   * Re-wraps the blob's data key under the active kid without touching the body. The stored bytes change, so
   * the caller must re-anchor the returned sha256. `expectedSha256` (the current anchor) is verified first, so
   * rotation can never launder a tampered object into a fresh anchor.
   */
  async rewrap(key: string, expectedSha256: string): Promise<BlobRewrapResult> {
    if (parseBlobRef(key).range) throw new RangeError('a packed blob is re-wrapped by rewriting its whole pack');
    const expected = normalizeSha256(expectedSha256);
    const stored = await this.getRaw(key);
    verifyAnchor(key, expected, stored);
    const frame = decodeBlobFrame(stored);
    const header = rewrapHeader(frame.header, this.#keyRing);
    if (header.kid === frame.header.kid) {
      return {
        key,
        sha256: expected,
        size: stored.length,
        kid: header.kid,
        previousSha256: expected,
        rewrapped: false,
      };
    }
    const bytes = encodeBlobFrame({ header, ciphertext: frame.ciphertext }, frame.header.contentType);
    const written = await this.#write('rewrap', key, bytes, header.kid);
    return { ...written, previousSha256: expected, rewrapped: true };
  }

  /**
   * Rewrites a pack as a new object holding only the frames in `keep` (each verified against its expected sha256,
   * opened, and sealed again under a fresh data key wrapped by the active KEK, at its new place): what erasing one
   * blob of a pack (its data key is in no object any more once the old one is removed) and rotating the KEK of
   * packed blobs need. Returns each kept blob's new ref, in order. The old object is left for the caller to
   * remove once nothing refers to it.
   */
  async repack(
    newObjectKey: string,
    keep: ReadonlyArray<{ ref: string; expectedSha256: string }>,
  ): Promise<BlobWriteResult[]> {
    const items: Array<{ plaintext: Buffer; contentType: string }> = [];
    for (const k of keep) {
      const { plaintext, contentType } = await this.get(k.ref, k.expectedSha256);
      items.push({ plaintext, contentType });
    }
    return this.putMany(newObjectKey, items);
  }

  /** Object keys under `prefix` last written before `before` (a sweeper's candidates; at most `limit`). */
  async listOlderThan(prefix: string, before: Date, limit = 10_000): Promise<string[]> {
    return this.#call('list', prefix, async () => {
      const keys: string[] = [];
      for await (const item of this.#client.listObjectsV2(this.#bucket, prefix, true)) {
        const o = item as { name?: string; lastModified?: Date };
        if (o.name && o.lastModified && o.lastModified < before) keys.push(o.name);
        if (keys.length >= limit) break;
      }
      return keys;
    });
  }

  /** Deleting an absent key succeeds (S3 semantics), so retries are safe. */
  async remove(key: string): Promise<void> {
    if (parseBlobRef(key).range) throw new RangeError('a packed blob is removed with its whole pack');
    assertObjectKey(key);
    await this.#call('remove', key, () => this.#client.removeObject(this.#bucket, key));
  }

  async #write(operation: string, key: string, bytes: Buffer, kid: string): Promise<BlobWriteResult> {
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    await this.#call(operation, key, () =>
      this.#client.putObject(this.#bucket, key, bytes, bytes.length, {
        'Content-Type': STORED_CONTENT_TYPE,
        'uhr-kid': kid,
        'uhr-sha256': sha256,
      }),
    );
    return { key, sha256, size: bytes.length, kid };
  }

  async #call<T>(operation: string, key: string | undefined, action: () => Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new BlobStoreUnavailableError(
              'unreachable',
              operation,
              `no answer within ${this.#timeoutMs} ms`,
              'ETIMEDOUT',
            ),
          ),
        this.#timeoutMs,
      );
      timer.unref();
    });
    try {
      return await Promise.race([action(), timeout]);
    } catch (error) {
      throw this.#translate(operation, key, error);
    } finally {
      clearTimeout(timer);
    }
  }

  #translate(operation: string, key: string | undefined, error: unknown): unknown {
    if (error instanceof BlobStoreUnavailableError) {
      return error;
    }
    if (error instanceof S3Error) {
      const code = error.code;
      if (key !== undefined && (code === 'NoSuchKey' || code === 'NotFound')) {
        return new BlobNotFoundError(this.#bucket, key, { cause: error });
      }
      const reason: BlobStoreUnavailableReason =
        code === 'NoSuchBucket'
          ? 'bucket-missing'
          : code && ACCESS_DENIED_CODES.has(code)
            ? 'access-denied'
            : 'server-error';
      return new BlobStoreUnavailableError(reason, operation, error.message, code, { cause: error });
    }
    if (error instanceof InvalidXMLError) {
      return new BlobStoreUnavailableError('server-error', operation, error.message, undefined, { cause: error });
    }
    // Duck-typed: socket errors come from node core, which may be another realm than ours (e.g. under jest).
    const { code: systemCode, message } = (error ?? {}) as { code?: unknown; message?: unknown };
    if (typeof systemCode === 'string' && /^E[A-Z_]+$/.test(systemCode)) {
      const detail = typeof message === 'string' ? message : systemCode;
      return new BlobStoreUnavailableError('unreachable', operation, detail, systemCode, { cause: error });
    }
    // Argument errors from the client are programming mistakes, not outages: surface them untouched.
    return error;
  }
}

function verifyAnchor(key: string, expected: string, stored: Buffer): void {
  const actual = createHash('sha256').update(stored).digest();
  if (!timingSafeEqual(actual, Buffer.from(expected, 'hex'))) {
    throw new BlobTamperedError(key, expected, actual.toString('hex'));
  }
}

function normalizeSha256(value: string): string {
  const hex = value.toLowerCase().replace(/^0x/, '');
  if (!SHA256_HEX.test(hex)) {
    throw new RangeError(`expected a hex sha256 (64 hex digits), got "${value}"`);
  }
  return hex;
}

function assertObjectKey(key: string): void {
  if (key.length === 0 || Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES) {
    throw new RangeError(`blob key must be 1..${MAX_KEY_BYTES} bytes of UTF-8`);
  }
}

function parseEndpoint(endpoint: string): URL {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new RangeError(`S3 endpoint "${endpoint}" is not a URL (expected e.g. http://127.0.0.1:9000)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new RangeError(`S3 endpoint "${endpoint}" must use http or https`);
  }
  return url;
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) {
    chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array));
  }
  return Buffer.concat(chunks);
}
