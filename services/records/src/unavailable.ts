import { BlobStoreUnavailableError, DomainError } from '@uhr/platform';

/** A dependency (S3) is down: 503 with the reason, so clients retry; never a 500. */
export class DependencyUnavailableError extends DomainError {
  readonly status = 503;
}

export async function blobStoreAsHttp<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof BlobStoreUnavailableError) {
      throw new DependencyUnavailableError('BlobStoreUnavailable', 'record storage is unavailable, retry later', {
        reason: err.reason,
      });
    }
    throw err;
  }
}
