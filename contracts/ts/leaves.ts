import { getBytes, id, keccak256 } from 'ethers';

/** `Relationships.RECORD_LEAF_TAG`: keccak256("uhr.relationships.record.v1"). */
export const RECORD_LEAF_TAG = id('uhr.relationships.record.v1');
/** `Relationships.RESPONSE_LEAF_TAG`: keccak256("uhr.relationships.response.v1"). */
export const RESPONSE_LEAF_TAG = id('uhr.relationships.response.v1');

/** Mirrors `IRelationships.RecordLeaf`: a provider's record as it goes into a batch tree. */
export interface RecordLeaf {
  providerId: string;
  patientId: string;
  recordId: string;
  /** The bytes32 category code. */
  category: string;
  contentHash: string;
  pointerHash: string;
  /** keccak256 of the provider's EIP-712 `AddRecord` signature bytes. */
  authHash: string;
}

/** Mirrors `IRelationships.ResponseLeaf`: a patient's answer to one record. */
export interface ResponseLeaf {
  patientId: string;
  recordId: string;
  accept: boolean;
  /** keccak256 of the patient's EIP-712 `RespondToRecords` signature bytes. */
  authHash: string;
}

const TAG_RECORD = getBytes(RECORD_LEAF_TAG);
const TAG_RESPONSE = getBytes(RESPONSE_LEAF_TAG);

/**
 * `Relationships.recordLeaf`: keccak256(bytes.concat(keccak256(abi.encode(RECORD_LEAF_TAG, providerId, patientId,
 * recordId, category, contentHash, pointerHash, authHash)))). Every member is a bytes32, so abi.encode is eight
 * 32-byte words, written out directly (a batch builds thousands of leaves; the generic ABI coder is slow).
 */
export function recordLeaf(l: RecordLeaf): string {
  const words = new Uint8Array(32 * 8);
  words.set(TAG_RECORD, 0);
  words.set(word(l.providerId, 'providerId'), 32);
  words.set(word(l.patientId, 'patientId'), 64);
  words.set(word(l.recordId, 'recordId'), 96);
  words.set(word(l.category, 'category'), 128);
  words.set(word(l.contentHash, 'contentHash'), 160);
  words.set(word(l.pointerHash, 'pointerHash'), 192);
  words.set(word(l.authHash, 'authHash'), 224);
  return keccak256(keccak256(words));
}

/**
 * `Relationships.responseLeaf`: keccak256(bytes.concat(keccak256(abi.encode(RESPONSE_LEAF_TAG, patientId, recordId,
 * accept, authHash)))); the bool is a word holding 0 or 1.
 */
export function responseLeaf(l: ResponseLeaf): string {
  if (typeof l.accept !== 'boolean') throw new TypeError('accept must be a boolean');
  const words = new Uint8Array(32 * 5);
  words.set(TAG_RESPONSE, 0);
  words.set(word(l.patientId, 'patientId'), 32);
  words.set(word(l.recordId, 'recordId'), 64);
  words[127] = l.accept ? 1 : 0;
  words.set(word(l.authHash, 'authHash'), 128);
  return keccak256(keccak256(words));
}

function word(hex: string, name: string): Uint8Array {
  const b = getBytes(hex);
  if (b.length !== 32) throw new RangeError(`${name} must be 32 bytes, got ${b.length}`);
  return b;
}
