import { categoryCode, recordLeaf, responseLeaf } from '@uhr/contracts';
import { chainIdOf } from '@uhr/platform';
import canonicalize from 'canonicalize';
import { keccak256 } from 'ethers';

// The Consent contract's category and purpose codes live in @uhr/contracts (one home for every service).
export { categoryCode, purposeCode } from '@uhr/contracts';

/**
 * How a record's content hash and pointer hash are made (ADR 0012). 1: the hash of the stored, encrypted bytes
 * and a pointer naming the blob — only the service could compute them, so signing took a second request. 2: a
 * salted commitment to the plaintext — keccak256(salt ‖ body), the 32-byte salt sealed inside the blob with the
 * body — and a logical pointer (the record id is in the leaf; where its bytes sit is the service's business), so
 * a client computes both, signs its AddRecord before uploading and sends one request. A re-encryption (KEK
 * rotation) leaves a scheme-2 anchor valid.
 */
export type ContentScheme = 1 | 2;
export const CONTENT_SALT_BYTES = 32;

export interface PointerFields {
  scheme: ContentScheme;
  blobKey: string;
  category: string;
  contentType: string;
  kind: string;
  resourceType: string;
}

/**
 * The pointer anchored beside the content hash: the metadata that steers access (category feeds the consent
 * scope check), and for scheme 1 the blob it lives in. Recomputed from the database row on every read, so editing
 * the row (relabelling its category, pointing it at another blob) is detected as tampering.
 */
export function pointerHashOf(p: PointerFields): string {
  const fields =
    p.scheme === 1
      ? ['uhr.record-pointer.v1', p.blobKey, p.category, p.contentType, p.kind, p.resourceType]
      : ['uhr.record-pointer.v2', p.category, p.contentType, p.kind, p.resourceType];
  return keccak256(abiEncodeStrings(fields));
}

/** What a scheme-2 blob seals: the salt, then the body (a FHIR resource's RFC 8785 JSON, or a file's bytes). */
export const sealedContentOf = (salt: Uint8Array, body: Uint8Array): Buffer => Buffer.concat([salt, body]);

/** The scheme-2 content hash: keccak256 of the sealed bytes (salt ‖ body). */
export const contentCommitmentOf = (sealed: Uint8Array): string => keccak256(sealed);

/** A FHIR resource's body bytes: its RFC 8785 canonical JSON, so any client can hash what the service stores. */
export const fhirBodyOf = (resource: Record<string, unknown>): Buffer => Buffer.from(canonicalize(resource)!, 'utf8');

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
  content_scheme: ContentScheme;
  blob_key: string;
  category: string;
  content_type: string;
  kind: string;
  resource_type: string;
}): PointerFields => ({
  scheme: r.content_scheme,
  blobKey: r.blob_key,
  category: r.category,
  contentType: r.content_type,
  kind: r.kind,
  resourceType: r.resource_type,
});

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
