import { randomBytes } from 'node:crypto';
import { decodeBlobFrame, encodeBlobFrame } from '../../src/blob/blob-frame.js';
import { open, rewrapHeader, seal, type SealedEnvelope } from '../../src/blob/envelope-cipher.js';
import { BlobIntegrityError, KeyRingError } from '../../src/blob/errors.js';
import { KeyRing } from '../../src/blob/key-ring.js';

const key = (): string => randomBytes(32).toString('base64');
const K1 = key();
const K2 = key();
const ring = (config: string, active: string): KeyRing => KeyRing.fromConfig(config, active);
const ringKid1 = (): KeyRing => ring(`kid1:${K1}`, 'kid1');
const ringBoth = (active: 'kid1' | 'kid2'): KeyRing => ring(`kid1:${K1},kid2:${K2}`, active);

const OBJECT_KEY = 'patients/p-1/records/r-1';
const fhir = Buffer.from(JSON.stringify({ resourceType: 'Observation', subject: { reference: 'Patient/p-1' } }));

function flipByte(buffer: Buffer, index: number): Buffer {
  const copy = Buffer.from(buffer);
  copy[index] = (copy[index] ?? 0) ^ 0x01;
  return copy;
}

function expectKeyRingError(build: () => unknown, code: KeyRingError['code']): void {
  try {
    build();
  } catch (error) {
    expect(error).toBeInstanceOf(KeyRingError);
    expect((error as KeyRingError).code).toBe(code);
    return;
  }
  throw new Error(`expected KeyRingError ${code}`);
}

describe('envelope cipher', () => {
  it('round-trips plaintext', () => {
    const sealed = seal(fhir, ringKid1(), OBJECT_KEY);
    expect(sealed.header).toMatchObject({ v: 1, alg: 'AES-256-GCM', kid: 'kid1' });
    expect(sealed.ciphertext.equals(fhir)).toBe(false);
    expect(open(sealed, ringKid1(), OBJECT_KEY).equals(fhir)).toBe(true);
  });

  it('round-trips an empty body', () => {
    const sealed = seal(Buffer.alloc(0), ringKid1(), OBJECT_KEY);
    expect(open(sealed, ringKid1(), OBJECT_KEY).length).toBe(0);
  });

  it('uses a fresh data key and iv for every object', () => {
    const a = seal(fhir, ringKid1(), OBJECT_KEY);
    const b = seal(fhir, ringKid1(), OBJECT_KEY);
    expect(a.ciphertext.equals(b.ciphertext)).toBe(false);
    expect(a.header.wrappedKey).not.toBe(b.header.wrappedKey);
    expect(a.header.iv).not.toBe(b.header.iv);
  });

  it('refuses to open under another object key (swapped blobs)', () => {
    const sealed = seal(fhir, ringKid1(), OBJECT_KEY);
    expect(() => open(sealed, ringKid1(), 'patients/p-2/records/r-9')).toThrow(BlobIntegrityError);
  });

  it('refuses an empty AAD', () => {
    expect(() => seal(fhir, ringKid1(), '')).toThrow(RangeError);
  });

  it.each([0, 7, fhir.length - 1])('detects a flipped ciphertext byte at %i', (index) => {
    const sealed = seal(fhir, ringKid1(), OBJECT_KEY);
    const altered: SealedEnvelope = { ...sealed, ciphertext: flipByte(sealed.ciphertext, index) };
    expect(() => open(altered, ringKid1(), OBJECT_KEY)).toThrow(BlobIntegrityError);
  });

  it.each(['wrappedKey', 'iv', 'tag'] as const)('detects an altered %s', (field) => {
    const sealed = seal(fhir, ringKid1(), OBJECT_KEY);
    const altered = flipByte(Buffer.from(sealed.header[field], 'base64'), 3).toString('base64');
    expect(() => open({ ...sealed, header: { ...sealed.header, [field]: altered } }, ringKid1(), OBJECT_KEY)).toThrow(
      BlobIntegrityError,
    );
  });

  it('fails with BlobIntegrityError under a different KEK with the same kid', () => {
    const sealed = seal(fhir, ringKid1(), OBJECT_KEY);
    expect(() => open(sealed, ring(`kid1:${K2}`, 'kid1'), OBJECT_KEY)).toThrow(BlobIntegrityError);
  });

  it('fails with BlobIntegrityError when the header is relabelled to another kid the ring holds', () => {
    const sealed = seal(fhir, ringBoth('kid1'), OBJECT_KEY);
    const relabelled = { ...sealed, header: { ...sealed.header, kid: 'kid2' } };
    expect(() => open(relabelled, ringBoth('kid1'), OBJECT_KEY)).toThrow(BlobIntegrityError);
  });

  it('fails with KeyRingError UNKNOWN_KID when the kid was retired from the ring', () => {
    const sealed = seal(fhir, ringKid1(), OBJECT_KEY);
    expectKeyRingError(() => open(sealed, ring(`kid2:${K2}`, 'kid2'), OBJECT_KEY), 'UNKNOWN_KID');
  });

  it('rejects a malformed or unsupported header', () => {
    const sealed = seal(fhir, ringKid1(), OBJECT_KEY);
    const withVersion = { ...sealed, header: { ...sealed.header, v: 2 } } as unknown as SealedEnvelope;
    expect(() => open(withVersion, ringKid1(), OBJECT_KEY)).toThrow(BlobIntegrityError);
    const shortIv = { ...sealed, header: { ...sealed.header, iv: 'AAAA' } };
    expect(() => open(shortIv, ringKid1(), OBJECT_KEY)).toThrow(BlobIntegrityError);
  });

  describe('rotation', () => {
    it('opens a kid1 object after kid2 becomes active, and new writes use kid2', () => {
      const old = seal(fhir, ringKid1(), OBJECT_KEY);
      const rotated = ringBoth('kid2');
      expect(open(old, rotated, OBJECT_KEY).equals(fhir)).toBe(true);
      expect(seal(fhir, rotated, OBJECT_KEY).header.kid).toBe('kid2');
    });

    it('rewraps the data key under the active kid without touching the body', () => {
      const old = seal(fhir, ringKid1(), OBJECT_KEY);
      const header = rewrapHeader(old.header, ringBoth('kid2'));
      expect(header.kid).toBe('kid2');
      expect(header.iv).toBe(old.header.iv);
      expect(header.tag).toBe(old.header.tag);
      // kid1 can now be retired.
      expect(open({ header, ciphertext: old.ciphertext }, ring(`kid2:${K2}`, 'kid2'), OBJECT_KEY).equals(fhir)).toBe(
        true,
      );
    });

    it('leaves a header already under the active kid as it is', () => {
      const sealed = seal(fhir, ringBoth('kid2'), OBJECT_KEY);
      expect(rewrapHeader(sealed.header, ringBoth('kid2'))).toEqual(sealed.header);
    });
  });
});

describe('blob frame', () => {
  it('round-trips header, content type and ciphertext as one buffer', () => {
    const sealed = seal(fhir, ringKid1(), OBJECT_KEY);
    const frame = decodeBlobFrame(encodeBlobFrame(sealed, 'application/fhir+json'));
    expect(frame.header).toEqual({ ...sealed.header, contentType: 'application/fhir+json' });
    expect(frame.ciphertext.equals(sealed.ciphertext)).toBe(true);
  });

  it('rejects bytes that are not a frame', () => {
    expect(() => decodeBlobFrame(Buffer.from('{"resourceType":"Patient"}'))).toThrow(BlobIntegrityError);
    const truncated = encodeBlobFrame(seal(fhir, ringKid1(), OBJECT_KEY), 'text/plain').subarray(0, 20);
    expect(() => decodeBlobFrame(truncated)).toThrow(BlobIntegrityError);
  });
});

describe('key ring', () => {
  it('parses several kids with whitespace and exposes no key material', () => {
    const keyRing = ring(` kid1:${K1} , kid2:${K2} `, 'kid2');
    expect(keyRing.kids).toEqual(['kid1', 'kid2']);
    expect(keyRing.activeKid).toBe('kid2');
    const printed = JSON.stringify(keyRing) + String(keyRing);
    expect(printed).not.toContain(K1);
    expect(printed).not.toContain(K2);
  });

  it('wraps and unwraps a data key; the wrapped key is iv+tag+ciphertext', () => {
    const keyRing = ringBoth('kid1');
    const dataKey = randomBytes(32);
    const { kid, wrapped } = keyRing.wrap(dataKey);
    expect(kid).toBe('kid1');
    expect(wrapped.length).toBe(12 + 16 + 32);
    expect(keyRing.unwrap(kid, wrapped).equals(dataKey)).toBe(true);
    expect(() => keyRing.unwrap('kid2', wrapped)).toThrow(BlobIntegrityError);
  });

  it.each([
    ['empty config', '', 'kid1', 'EMPTY_CONFIG'],
    ['entry without a colon', `kid1${K1}`, 'kid1', 'MALFORMED_ENTRY'],
    ['key that is not base64', 'kid1:not*base64!', 'kid1', 'INVALID_BASE64'],
    ['16-byte key', `kid1:${randomBytes(16).toString('base64')}`, 'kid1', 'INVALID_KEY_LENGTH'],
    ['33-byte key', `kid1:${randomBytes(33).toString('base64')}`, 'kid1', 'INVALID_KEY_LENGTH'],
    ['duplicate kid', `kid1:${K1},kid1:${K2}`, 'kid1', 'DUPLICATE_KID'],
    ['kid with spaces', `my kid:${K1}`, 'my kid', 'INVALID_KID'],
    ['empty kid', `:${K1}`, 'kid1', 'INVALID_KID'],
    ['active kid not in ring', `kid1:${K1}`, 'kid9', 'UNKNOWN_ACTIVE_KID'],
  ] as const)('rejects %s', (_label, config, active, code) => {
    expectKeyRingError(() => ring(config, active), code);
  });

  it('says how long a bad key is without echoing it', () => {
    const short = randomBytes(16).toString('base64');
    expect(() => ring(`kid1:${short}`, 'kid1')).toThrow(/16 bytes; AES-256 needs exactly 32/);
    try {
      ring(`kid1:${short}`, 'kid1');
    } catch (error) {
      expect((error as Error).message).not.toContain(short);
    }
  });

  it('refuses to wrap a data key of the wrong size', () => {
    expectKeyRingError(() => ringKid1().wrap(randomBytes(16)), 'INVALID_DATA_KEY');
  });
});
