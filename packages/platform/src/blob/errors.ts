// Typed errors of the blob layer. Callers branch on the class (and `reason`), never on message text,
// and none of them ever carries key material or plaintext.

export type KeyRingErrorCode =
  | 'EMPTY_CONFIG'
  | 'MALFORMED_ENTRY'
  | 'INVALID_KID'
  | 'DUPLICATE_KID'
  | 'INVALID_BASE64'
  | 'INVALID_KEY_LENGTH'
  | 'UNKNOWN_ACTIVE_KID'
  | 'UNKNOWN_KID'
  | 'INVALID_DATA_KEY';

/** The key ring is misconfigured, or a blob names a kid this ring no longer holds. */
export class KeyRingError extends Error {
  override readonly name = 'KeyRingError';
  constructor(
    readonly code: KeyRingErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Authenticated decryption failed: wrong key, wrong AAD (object key), or altered bytes. */
export class BlobIntegrityError extends Error {
  override readonly name = 'BlobIntegrityError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The stored bytes do not hash to the anchored sha256; detected before any decryption is attempted. */
export class BlobTamperedError extends Error {
  override readonly name = 'BlobTamperedError';
  constructor(
    readonly key: string,
    readonly expectedSha256: string,
    readonly actualSha256: string,
  ) {
    super(
      `blob "${key}" does not match its anchor: expected sha256 ${expectedSha256}, stored bytes hash to ${actualSha256}`,
    );
  }
}

export class BlobNotFoundError extends Error {
  override readonly name = 'BlobNotFoundError';
  constructor(
    readonly bucket: string,
    readonly key: string,
    options?: { cause?: unknown },
  ) {
    super(`blob "${key}" not found in bucket "${bucket}"`, options);
  }
}

export type BlobStoreUnavailableReason =
  | 'unreachable' // connection refused, DNS, reset, timeout
  | 'access-denied' // bad credentials (SigV4 signature), or a policy refusing us
  | 'bucket-missing' // configured bucket does not exist (ensureBucket not run, or deleted)
  | 'server-error'; // any other S3 error response

/** S3 could not serve the request. The work should wait and retry; it must not be dropped. */
export class BlobStoreUnavailableError extends Error {
  override readonly name = 'BlobStoreUnavailableError';
  constructor(
    readonly reason: BlobStoreUnavailableReason,
    readonly operation: string,
    readonly detail: string,
    /** The S3 error code (e.g. `SignatureDoesNotMatch`) or the socket error code (e.g. `ECONNREFUSED`). */
    readonly code: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(`blob store unavailable during ${operation} (${reason}${code ? `, ${code}` : ''}): ${detail}`, options);
  }
}
