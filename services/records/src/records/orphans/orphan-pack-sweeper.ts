import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { EncryptedBlobStore, LOGGER, PLATFORM_CONFIG, startPeriodic, type Periodic } from '@uhr/platform';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import type { RecordsConfig } from '../../config.js';

/**
 * Removes packs no committed record references. A pack is written to S3 before its group commit; a refused
 * commit deletes it at once (UploadPacker), but after a lost connection the commit may or may not have happened,
 * so the object stays — and is swept here once it is older than any upload still in flight could be
 * (`UHR_RECORDS_ORPHAN_MIN_AGE_MS`). Deleting is idempotent, so replicas may sweep side by side.
 */
@Injectable()
export class OrphanPackSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private worker?: Periodic;

  constructor(
    private readonly blobs: EncryptedBlobStore,
    private readonly ds: DataSource,
    @Inject(PLATFORM_CONFIG) private readonly config: RecordsConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap() {
    this.worker = startPeriodic('orphan packs', this.config.orphanSweepMs, () => this.sweepOnce(), this.logger);
  }

  onApplicationShutdown() {
    this.worker?.stop();
  }

  /** One pass over the packs under `prefix`; returns the keys removed. */
  async sweepOnce(now = new Date(), prefix = 'packs/'): Promise<string[]> {
    const before = new Date(now.getTime() - this.config.orphanMinAgeMs);
    const candidates = await this.blobs.listOlderThan(prefix, before);
    if (candidates.length === 0) return [];
    // A record's blob key is `<pack>#<offset>+<length>`: a prefix match (indexed, LIKE's wildcards escaped).
    const orphans = (await this.ds.query(
      `select p from unnest($1::text[]) as t(p)
        where not exists (select 1 from records
                           where blob_key like replace(replace(replace(p, '\\', '\\\\'), '%', '\\%'), '_', '\\_') || '#%')`,
      [candidates],
    )) as Array<{ p: string }>;
    for (const { p } of orphans) await this.blobs.remove(p);
    if (orphans.length > 0) this.logger.info({ removed: orphans.length }, 'orphan packs removed');
    return orphans.map((o) => o.p);
  }
}
