import { Inject, Injectable } from '@nestjs/common';
import { EncryptedBlobStore, LOGGER, PLATFORM_CONFIG } from '@uhr/platform';
import type { Logger } from 'pino';
import type { RecordsConfig } from '../../../config.js';
import { newPackKey, relocations, storedRef } from '../../packs.js';
import { RecordTitles } from '../../record-titles.js';
import { packOf, RecordRepository } from '../../record.repository.js';
import { blobStoreAsHttp } from '../../../unavailable.js';

export interface RotationReport {
  activeKid: string;
  packsRewritten: number;
  recordsMoved: number;
  /** Packs holding a scheme-1 record (anchored by its ciphertext: moving it would break its proof). */
  packsSkipped: number;
  /** Packs still not under the active KEK after this pass (run again; 0 when the rotation is complete). */
  packsLeft: number;
}

/**
 * KEK rotation for stored records: every pack holding a blob whose data key is wrapped by another KEK than the
 * active one is re-sealed — fresh data keys under the active KEK, at a new pack — and its rows moved in one
 * transaction each, their sealed titles re-sealed too. Anchors do not change (scheme 2 commits to the plaintext, ADR 0012). Old packs are left to
 * the orphan-pack sweeper, so reads in flight still find them. Run it after making the new KEK active (the old
 * one stays in the ring until `packsLeft` is 0).
 */
@Injectable()
export class RotateKekUseCase {
  constructor(
    private readonly records: RecordRepository,
    private readonly blobs: EncryptedBlobStore,
    private readonly titles: RecordTitles,
    @Inject(PLATFORM_CONFIG) private readonly config: RecordsConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async execute(maxPacks: number): Promise<RotationReport> {
    const active = this.config.kekActive;
    const report = { activeKid: active, packsRewritten: 0, recordsMoved: 0, packsSkipped: 0, packsLeft: 0 };
    const skipped = new Set<string>();
    for (const pack of await this.records.packsNotUnder(active, maxPacks)) {
      const moved = await blobStoreAsHttp(() => this.records.relocatePack(pack, (rows) => this.reseal(rows)));
      if (moved === 0) skipped.add(packOf(pack));
      else
        Object.assign(report, { packsRewritten: report.packsRewritten + 1, recordsMoved: report.recordsMoved + moved });
    }
    const left = await this.records.packsNotUnder(active, 100_000);
    report.packsSkipped = skipped.size;
    report.packsLeft = left.length;
    this.logger.info(report, 'KEK rotation pass');
    return report;
  }

  private async reseal(rows: Parameters<Parameters<RecordRepository['relocatePack']>[1]>[0]) {
    const live = rows.filter((r) => r.status !== 'erased');
    if (live.length === 0 || live.some((r) => r.content_scheme === 1)) return undefined;
    const written = await this.blobs.repack(newPackKey(new Date()), live.map(storedRef));
    return relocations(live, written, (r) => this.titles.reseal(r));
  }
}
