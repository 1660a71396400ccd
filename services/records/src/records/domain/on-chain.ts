import { id, keccak256 } from 'ethers';

/** keccak256 of a short label, remembered (categories and purposes are few; bounded anyway). */
const codes = new Map<string, string>();
const codeOf = (label: string): string => {
  let code = codes.get(label);
  if (code === undefined) {
    if (codes.size >= 10_000) codes.clear();
    code = id(label);
    codes.set(label, code);
  }
  return code;
};

/** A category as the Consent contract's bytes32 scope item. */
export const categoryCode = (category: string): string => codeOf(`uhr.category:${category}`);

/** A purpose of use as bytes32 (Consent grants and read requests carry it). */
export const purposeCode = (purpose: string): string => codeOf(`uhr.purpose:${purpose}`);

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
    abiEncodeStrings(['uhr.record-pointer.v1', p.blobKey, p.category, p.contentType, p.kind, p.resourceType]),
  );
}

/**
 * `abi.encode(string, string, …)` — byte for byte what ethers' AbiCoder (and Solidity) produce, written out
 * because the generic coder cost ~0.2 ms a record, a third of a bulk ingest's CPU. The head holds each string's
 * offset; the tail, each string's length and its UTF-8 bytes padded to 32.
 */
export function abiEncodeStrings(values: readonly string[]): Uint8Array {
  const bytes = values.map((v) => Buffer.from(v, 'utf8'));
  const tails = bytes.map((b) => 32 + Math.ceil(b.length / 32) * 32);
  const out = Buffer.alloc(32 * values.length + tails.reduce((a, b) => a + b, 0));
  let offset = 32 * values.length;
  for (const [i, b] of bytes.entries()) {
    out.writeUInt32BE(offset, 32 * i + 28);
    out.writeUInt32BE(b.length, offset + 28);
    b.copy(out, offset + 32);
    offset += tails[i]!;
  }
  return out;
}

/** 0x-prefixed bytes32 form of a hex sha256. */
export const contentHashOf = (sha256hex: string): string => '0x' + sha256hex.replace(/^0x/, '').toLowerCase();
