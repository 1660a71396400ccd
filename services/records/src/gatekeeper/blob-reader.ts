import { createHash, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { blobAad, BlobTamperedError, decodeBlobFrame, KeyRing, open } from '@uhr/platform';
import { CONTENT_SALT_BYTES, contentCommitmentOf } from '../records/domain/on-chain.js';
import { RECORDS_KEY_RING } from '../records/record-titles.js';
import type { RecordRow } from '../records/record.repository.js';

/**
 * Opens stored bytes the gatekeeper already fetched: their sha256 compared with the row's first
 * (BlobTamperedError on mismatch, nothing decrypted), then the platform's frame decoding and envelope decryption,
 * then — scheme 2 (ADR 0012) — the plaintext held to the anchored commitment keccak256(salt ‖ body) before the
 * body is handed out: a blob swapped for another record's (its own valid ciphertext) decrypts, and is refused
 * here. Lets the gatekeeper fetch the ciphertext while it is still deciding, never decrypting before the decision.
 */
@Injectable()
export class BlobReader {
  constructor(@Inject(RECORDS_KEY_RING) private readonly ring: KeyRing) {}

  open(row: StoredContent, stored: Buffer): Buffer {
    const expected = (row.content_scheme === 1 ? row.content_hash : row.blob_sha256).replace(/^0x/, '').toLowerCase();
    const actual = createHash('sha256').update(stored).digest();
    if (!/^[0-9a-f]{64}$/.test(expected) || !timingSafeEqual(actual, Buffer.from(expected, 'hex'))) {
      throw new BlobTamperedError(row.blob_key, expected, actual.toString('hex'));
    }
    const frame = decodeBlobFrame(stored);
    const plaintext = open({ header: frame.header, ciphertext: frame.ciphertext }, this.ring, blobAad(row.blob_key));
    if (row.content_scheme === 1) return plaintext;
    const commitment = contentCommitmentOf(plaintext);
    if (commitment !== row.content_hash.toLowerCase()) {
      throw new BlobTamperedError(row.blob_key, row.content_hash.slice(2), commitment.slice(2));
    }
    return plaintext.subarray(CONTENT_SALT_BYTES);
  }
}

/** The row fields that say how a record's stored bytes are checked. */
export type StoredContent = Pick<RecordRow, 'content_scheme' | 'blob_key' | 'blob_sha256' | 'content_hash'>;
