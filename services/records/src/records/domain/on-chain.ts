import { recordLeaf, responseLeaf } from '@uhr/contracts';
import { chainIdOf } from '@uhr/platform';
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

/** The pointer fields of a projection row. */
export const pointerOf = (r: {
  blob_key: string;
  category: string;
  content_type: string;
  kind: string;
  resource_type: string;
}) => ({
  blobKey: r.blob_key,
  category: r.category,
  contentType: r.content_type,
  kind: r.kind,
  resourceType: r.resource_type,
});

/** 0x-prefixed bytes32 form of a hex sha256. */
export const contentHashOf = (sha256hex: string): string => '0x' + sha256hex.replace(/^0x/, '').toLowerCase();

/** The row fields a record's leaf commits to. */
export interface LeafRow {
  id: string;
  patient_id: string;
  provider_id: string;
  category: string;
  content_hash: string;
  pointer_hash: string;
  anchor_auth_hash: string | null;
}

/**
 * The leaf of a record in its Merkle batch (Relationships.recordLeaf): ids as bytes32, the category as its code,
 * and the pointer hash given by the caller — the stored one when cutting a batch, one recomputed from the row's
 * fields when the gatekeeper checks a row against its anchor.
 */
export const recordLeafOf = (r: LeafRow, pointerHash = r.pointer_hash): string =>
  recordLeaf(recordLeafFieldsOf(r, pointerHash));

/** The RecordLeaf struct of a row, as Relationships.verifyRecord takes it. */
export const recordLeafFieldsOf = (r: LeafRow, pointerHash = r.pointer_hash) => ({
  providerId: chainIdOf(r.provider_id),
  patientId: chainIdOf(r.patient_id),
  recordId: chainIdOf(r.id),
  category: categoryCode(r.category),
  contentHash: r.content_hash,
  pointerHash,
  authHash: r.anchor_auth_hash ?? ZERO_HASH,
});

/** The leaf of a patient's answer in its batch (Relationships.responseLeaf). */
export const responseLeafOf = (r: {
  id: string;
  patient_id: string;
  response_accept: boolean | null;
  response_auth_hash: string | null;
}): string =>
  responseLeaf({
    patientId: chainIdOf(r.patient_id),
    recordId: chainIdOf(r.id),
    accept: r.response_accept === true,
    authHash: r.response_auth_hash ?? ZERO_HASH,
  });

const ZERO_HASH = '0x' + '00'.repeat(32);
