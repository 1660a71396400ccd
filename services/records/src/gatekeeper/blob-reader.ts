import { createHash, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { blobAad, BlobTamperedError, decodeBlobFrame, KeyRing, open } from '@uhr/platform';

export const RECORDS_KEY_RING = Symbol('RECORDS_KEY_RING');

/**
 * Opens stored bytes the gatekeeper already fetched: hash compared with the anchor first (BlobTamperedError on
 * mismatch, nothing decrypted), then the platform's frame decoding and envelope decryption. Lets the gatekeeper
 * fetch the ciphertext while it is still deciding, without ever decrypting before the decision.
 */
@Injectable()
export class BlobReader {
  constructor(@Inject(RECORDS_KEY_RING) private readonly ring: KeyRing) {}

  open(key: string, stored: Buffer, anchoredHash: string): Buffer {
    const expected = anchoredHash.replace(/^0x/, '').toLowerCase();
    const actual = createHash('sha256').update(stored).digest();
    if (!/^[0-9a-f]{64}$/.test(expected) || !timingSafeEqual(actual, Buffer.from(expected, 'hex'))) {
      throw new BlobTamperedError(key, expected, actual.toString('hex'));
    }
    const frame = decodeBlobFrame(stored);
    return open({ header: frame.header, ciphertext: frame.ciphertext }, this.ring, blobAad(key));
  }
}
