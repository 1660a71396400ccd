/**
 * Where a blob's bytes are. Most blobs are one S3 object (`ref` = the object key). Blobs written together by
 * `EncryptedBlobStore.putMany` share one object, a *pack*, each frame at its own byte range:
 * `ref` = `<objectKey>#<offset>+<length>`. One PUT for hundreds of records is what lets bulk ingest reach
 * thousands of records a second; each frame still has its own data key and its own anchored sha256, and is read
 * back with a ranged GET.
 */
export interface BlobLocation {
  objectKey: string;
  range?: { offset: number; length: number };
}

const PACKED = /^(.+)#(\d{1,15})\+(\d{1,15})$/;

export function packedRef(objectKey: string, offset: number, length: number): string {
  return `${objectKey}#${offset}+${length}`;
}

export function parseBlobRef(ref: string): BlobLocation {
  const m = PACKED.exec(ref);
  if (!m) return { objectKey: ref };
  const length = Number(m[3]);
  if (length === 0) throw new RangeError(`blob ref "${ref}" has an empty range`);
  return { objectKey: m[1]!, range: { offset: Number(m[2]), length } };
}

/**
 * The AAD a blob is sealed under: its object key, and for a packed frame also its offset — so a frame copied to
 * another place (another object, another offset) does not open, as a whole object moved to another key does not.
 */
export function blobAad(ref: string): string {
  const loc = parseBlobRef(ref);
  return loc.range ? `${loc.objectKey}#${loc.range.offset}` : loc.objectKey;
}
