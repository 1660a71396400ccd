import { randomUUID } from 'node:crypto';
import type { BlobWriteResult } from '@uhr/platform';
import type { RecordRow, Relocation } from './record.repository.js';

/** A new pack's object key: grouped by day, unique. */
export const newPackKey = (at: Date): string => `packs/${at.toISOString().slice(0, 10)}/${randomUUID()}`;

/** A row's blob as EncryptedBlobStore.repack reads it back (verified against its stored hash). */
export const storedRef = (r: RecordRow) => ({ ref: r.blob_key, expectedSha256: r.blob_sha256 });

/** Where each row's blob went, in the order repack wrote them. */
export const relocations = (
  rows: readonly RecordRow[],
  written: readonly BlobWriteResult[],
  titleOf: (r: RecordRow) => string | null = () => null,
): Relocation[] =>
  rows.map((r, i) => ({
    id: r.id,
    blobKey: written[i]!.key,
    blobSha256: written[i]!.sha256,
    blobKid: written[i]!.kid,
    titleSealed: titleOf(r),
  }));
