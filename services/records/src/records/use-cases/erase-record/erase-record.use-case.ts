import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  ConflictError,
  EncryptedBlobStore,
  LOGGER,
  parseBlobRef,
  type EventContext,
  type Principal,
} from '@uhr/platform';
import type { Logger } from 'pino';
import { RecordRepository, type RecordRow } from '../../record.repository.js';
import { blobStoreAsHttp } from '../../../unavailable.js';
import { refusalsAsHttp } from '../rule-violation.js';

/** Readers of a sibling who fetched its row before the erasure committed finish within this. */
const OLD_PACK_GRACE_MS = 5_000;

/**
 * Erases a record cryptographically: its frame's data key — wrapped in that frame's header, nowhere else — goes
 * with the pack it was stored in. The record's siblings are re-sealed into a new pack (fresh data keys, the
 * active KEK) and keep reading; the erased record answers 410 from then on; its anchor stays on-chain but
 * commits to a salted plaintext nobody can produce any more (ADR 0012). The old pack is removed a few seconds
 * after the commit (the orphan-pack sweeper finishes the job if this process stops first).
 */
@Injectable()
export class EraseRecordUseCase {
  constructor(
    private readonly records: RecordRepository,
    private readonly blobs: EncryptedBlobStore,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async execute(recordId: string, p: Principal, ctx: EventContext) {
    const cmd = { type: 'EraseRecord' as const, by: p.subject, admin: p.roles.includes('admin') };
    let oldPack = '';
    await refusalsAsHttp(() =>
      blobStoreAsHttp(() =>
        this.records.erase(recordId, cmd, ctx, async (row, siblings) => {
          oldPack = parseBlobRef(row.blob_key).objectKey;
          return this.moveSiblings(siblings, ctx);
        }),
      ),
    );
    setTimeout(() => {
      this.blobs
        .remove(oldPack)
        .catch((err: Error) => this.logger.warn({ err: err.message, oldPack }, 'old pack left to the sweeper'));
    }, OLD_PACK_GRACE_MS).unref();
    return { id: recordId, status: 'erased' };
  }

  private async moveSiblings(siblings: RecordRow[], ctx: EventContext) {
    if (siblings.length === 0) return [];
    // A scheme-1 record's anchor is its frame's hash: re-sealing it elsewhere would break its proof.
    if (siblings.some((s) => s.content_scheme === 1)) {
      throw new ConflictError('LegacyPack', 'this record shares its pack with records anchored by their ciphertext');
    }
    const pack = `packs/${ctx.occurredAt.toISOString().slice(0, 10)}/${randomUUID()}`;
    const written = await this.blobs.repack(
      pack,
      siblings.map((s) => ({ ref: s.blob_key, expectedSha256: s.blob_sha256 })),
    );
    return siblings.map((s, i) => ({ id: s.id, blobKey: written[i]!.key, blobSha256: written[i]!.sha256 }));
  }
}
