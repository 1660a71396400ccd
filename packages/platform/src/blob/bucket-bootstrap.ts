import type { OnApplicationBootstrap, Provider } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER } from '../platform.module.js';
import { EncryptedBlobStore } from './encrypted-blob-store.js';

/** Creates the bucket at boot; S3 being down then only delays what needs it, retried in the background. */
export class BucketBootstrap implements OnApplicationBootstrap {
  constructor(
    private readonly blobs: EncryptedBlobStore,
    private readonly logger: Logger,
    private readonly service: string,
  ) {}

  onApplicationBootstrap() {
    const attempt = (n: number) =>
      this.blobs.ensureBucket().catch((err: Error) => {
        this.logger.warn({ err: err.message, attempt: n }, `${this.service} bucket not ready yet`);
        setTimeout(() => attempt(n + 1), Math.min(10_000, 500 * n)).unref();
      });
    return attempt(1);
  }
}

/** The provider a service with an EncryptedBlobStore adds to its module. */
export const bucketBootstrap = (service: string): Provider => ({
  provide: BucketBootstrap,
  inject: [EncryptedBlobStore, LOGGER],
  useFactory: (b: EncryptedBlobStore, l: Logger) => new BucketBootstrap(b, l, service),
});
