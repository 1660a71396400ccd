import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { EncryptedBlobStore, type EventContext } from '@uhr/platform';
import { RecordRepository, type UploadCommand } from '../../record.repository.js';
import { blobStoreAsHttp } from '../../../unavailable.js';
import { refusalsAsHttp } from '../rule-violation.js';

/** A record ready to be stored: its plaintext, and how to make its command once its blob ref and hash are known. */
export interface PackEntry {
  plaintext: Buffer;
  contentType: string;
  ctx: EventContext;
  command: (blobKey: string, sha256: string) => UploadCommand;
}

/** Largest number of records in one pack / one transaction. */
export const MAX_PACK_RECORDS = 1000;

/**
 * Stores new records the way a database commits a group: everything that arrives while one pack is being
 * written goes into the next — one S3 PUT (each record still sealed under its own data key, see
 * EncryptedBlobStore.putMany) and one transaction of two statements for the whole group. An idle service
 * writes a lone upload at once; under load, concurrent uploads share the round trips instead of queueing for
 * them one by one. A failure (storage or database down) fails every upload of that group, each with the same
 * 4xx/5xx answer; nothing of a failed group is committed.
 */
@Injectable()
export class UploadPacker {
  private readonly queue: Array<{
    entry: PackEntry;
    resolve: (u: UploadCommand) => void;
    reject: (e: unknown) => void;
  }> = [];
  private draining = false;

  constructor(
    private readonly blobs: EncryptedBlobStore,
    private readonly records: RecordRepository,
  ) {}

  /** One record, committed with whatever else is waiting. Resolves once durably stored (S3 + PostgreSQL). */
  submit(entry: PackEntry): Promise<UploadCommand> {
    return new Promise((resolve, reject) => {
      this.queue.push({ entry, resolve, reject });
      void this.drain();
    });
  }

  /** A caller's own batch, stored now as one pack and one transaction (bulk ingest). */
  async storeAll(entries: readonly PackEntry[]): Promise<UploadCommand[]> {
    const packKey = `packs/${entries[0]!.ctx.occurredAt.toISOString().slice(0, 10)}/${randomUUID()}`;
    const stored = await blobStoreAsHttp(() =>
      this.blobs.putMany(
        packKey,
        entries.map((e) => ({ plaintext: e.plaintext, contentType: e.contentType })),
      ),
    );
    const uploads = entries.map((e, i) => e.command(stored[i]!.key, stored[i]!.sha256));
    await refusalsAsHttp(() =>
      this.records.insertUploads(uploads.map((upload, i) => ({ upload, ctx: entries[i]!.ctx }))),
    );
    return uploads;
  }

  private async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    try {
      while (this.queue.length > 0) {
        const group = this.queue.splice(0, MAX_PACK_RECORDS);
        try {
          const uploads = await this.storeAll(group.map((w) => w.entry));
          group.forEach((w, i) => w.resolve(uploads[i]!));
        } catch (err) {
          for (const w of group) w.reject(err);
        }
      }
    } finally {
      this.draining = false;
    }
  }
}
