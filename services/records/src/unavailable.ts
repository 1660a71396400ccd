import { BlobStoreUnavailableError, DependencyUnavailableError } from '@uhr/platform';

/** A dependency (S3) is down: 503 with the reason and Retry-After, so clients retry; never a 500. */
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
