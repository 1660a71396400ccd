import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ConcurrencyError, DomainError, EncryptedBlobStore, type EventContext } from '@uhr/platform';
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
 * them one by one. A failed group commits nothing and leaves no object behind; its uploads are then tried one by
 * one, so only those that fail alone (storage or database down, a record id taken) get the 4xx/5xx answer.
 */
@Injectable()
export class UploadPacker {
  private readonly queue: Waiting[] = [];
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
    try {
      await refusalsAsHttp(() =>
        this.records.insertUploads(uploads.map((upload, i) => ({ upload, ctx: entries[i]!.ctx }))),
      );
    } catch (err) {
      // Refused before commit (a conflict, a rule): no record references the pack, so it goes. After a lost
      // connection the commit may have happened: the object stays.
      if (err instanceof ConcurrencyError || err instanceof DomainError) {
        await this.blobs.remove(packKey).catch(() => undefined);
      }
      throw err;
    }
    return uploads;
  }

  private async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    try {
      while (this.queue.length > 0) await this.storeGroup(this.queue.splice(0, MAX_PACK_RECORDS));
    } finally {
      this.draining = false;
    }
  }

  /**
   * One group commit. When it fails and it held several uploads, each is tried again alone: one member's
   * conflict (a record id already taken, a retry racing its original) never fails the uploads it was grouped
   * with — another tenant's among them.
   */
  private async storeGroup(group: Waiting[]): Promise<void> {
    try {
      const uploads = await this.storeAll(group.map((w) => w.entry));
      group.forEach((w, i) => w.resolve(uploads[i]!));
    } catch (err) {
      if (group.length === 1) return group[0]!.reject(err);
      await Promise.all(group.map((w) => this.storeGroup([w])));
    }
  }
}

interface Waiting {
  entry: PackEntry;
  resolve: (u: UploadCommand) => void;
  reject: (e: unknown) => void;
}
