import { AbiCoder, id, keccak256 } from 'ethers';

const coder = AbiCoder.defaultAbiCoder();

/** A category as the Consent contract's bytes32 scope item. */
export const categoryCode = (category: string): string => id(`uhr.category:${category}`);

/** A purpose of use as bytes32 (Consent grants and read requests carry it). */
export const purposeCode = (purpose: string): string => id(`uhr.purpose:${purpose}`);

/**
 * The pointer anchored beside the content hash: where the blob lives and the metadata that steers access
 * (category feeds the consent scope check). Recomputed from the database row on every read, so editing the row
 * (pointing it at another blob, relabelling its category) is detected as tampering.
 */
export function pointerHashOf(p: {
  blobKey: string;
  category: string;
  contentType: string;
  kind: string;
  resourceType: string;
}): string {
  return keccak256(
    coder.encode(
      ['string', 'string', 'string', 'string', 'string', 'string'],
      ['uhr.record-pointer.v1', p.blobKey, p.category, p.contentType, p.kind, p.resourceType],
    ),
  );
}

/** 0x-prefixed bytes32 form of a hex sha256. */
export const contentHashOf = (sha256hex: string): string => '0x' + sha256hex.replace(/^0x/, '').toLowerCase();
