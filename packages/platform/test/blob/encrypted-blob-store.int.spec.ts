import { createHash, randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import { Client } from 'minio';
import { decodeBlobFrame } from '../../src/blob/blob-frame.js';
import { EncryptedBlobStore, type EncryptedBlobStoreOptions } from '../../src/blob/encrypted-blob-store.js';
import {
  BlobIntegrityError,
  BlobNotFoundError,
  BlobStoreUnavailableError,
  BlobTamperedError,
} from '../../src/blob/errors.js';
import { KeyRing } from '../../src/blob/key-ring.js';

// Endpoints come from .uhr/env (written by scripts/stack.sh), exported into the environment by the test runner.
function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(
      `${name} is not set: run integration tests with the stack's endpoints exported, ` +
        `e.g. \`set -a && source .uhr/env && set +a\` (scripts/stack.sh writes .uhr/env)`,
    );
  }
  return value;
}
const endpoint = requireEnv('UHR_S3_ENDPOINT');
const accessKey = requireEnv('UHR_S3_ACCESS_KEY');
const secretKey = requireEnv('UHR_S3_SECRET_KEY');

const bucket = `uhr-test-${randomBytes(6).toString('hex')}`;
const options: EncryptedBlobStoreOptions = { endpoint, accessKey, secretKey, bucket, region: 'us-east-1' };
const K1 = randomBytes(32).toString('base64');
const K2 = randomBytes(32).toString('base64');
const ringKid1 = KeyRing.fromConfig(`kid1:${K1}`, 'kid1');
const ringRotated = KeyRing.fromConfig(`kid1:${K1},kid2:${K2}`, 'kid2');
const ringKid2Only = KeyRing.fromConfig(`kid2:${K2}`, 'kid2');

const url = new URL(endpoint);
// A plain client straight to S3, playing the attacker / operator who bypasses the store.
const raw = new Client({
  endPoint: url.hostname,
  port: Number(url.port),
  useSSL: false,
  region: 'us-east-1',
  pathStyle: true,
  accessKey,
  secretKey,
});

const store = new EncryptedBlobStore(options, ringKid1);
const objectKey = (): string => `patients/p-${randomBytes(4).toString('hex')}/records/r-1`;
const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

/** A FHIR R4 Bundle (Patient + Observations) padded to exactly `bytes` of JSON. */
function aFhirBundle(bytes: number): Buffer {
  const bundle = {
    resourceType: 'Bundle',
    type: 'collection',
    entry: [
      {
        resource: {
          resourceType: 'Patient',
          id: 'p-7f3a',
          name: [{ family: 'Quixotewright', given: ['Henrietta'] }],
          birthDate: '1961-04-12',
          identifier: [{ system: 'urn:uhr:nhi', value: 'NHI-8842-1177' }],
        },
      },
      ...Array.from({ length: 12 }, (_, i) => ({
        resource: {
          resourceType: 'Observation',
          id: `obs-${i}`,
          status: 'final',
          code: { coding: [{ system: 'http://loinc.org', code: '8867-4', display: 'Heart rate' }] },
          subject: { reference: 'Patient/p-7f3a' },
          valueQuantity: { value: 60 + i, unit: 'beats/minute' },
        },
      })),
    ],
    meta: { tag: [{ code: '' }] },
  };
  const base = JSON.stringify(bundle).length;
  bundle.meta.tag[0]!.code = 'x'.repeat(Math.max(0, bytes - base));
  const json = Buffer.from(JSON.stringify(bundle));
  expect(json.length).toBe(bytes);
  return json;
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function overwriteRaw(key: string, bytes: Buffer): Promise<void> {
  await raw.putObject(bucket, key, bytes, bytes.length);
}

async function expectRejection<E extends Error>(
  promise: Promise<unknown>,
  type: new (...args: never[]) => E,
): Promise<E> {
  const error = await promise.then(
    () => {
      throw new Error(`expected ${type.name}, but the call succeeded`);
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(type);
  return error as E;
}

beforeAll(async () => {
  await store.ensureBucket();
  await store.ensureBucket(); // idempotent
});

afterAll(async () => {
  const names: string[] = [];
  for await (const item of raw.listObjects(bucket, '', true)) {
    if (item.name) names.push(item.name);
  }
  if (names.length > 0) await raw.removeObjects(bucket, names);
  await raw.removeBucket(bucket);
});

describe('EncryptedBlobStore against the real S3 server', () => {
  it('answers ping for its bucket', async () => {
    await expect(store.ping()).resolves.toBeUndefined();
  });

  it('round-trips a 4 KiB FHIR bundle; S3 holds only ciphertext', async () => {
    const key = objectKey();
    const bundle = aFhirBundle(4096);
    const written = await store.put(key, bundle, 'application/fhir+json');

    const stored = await store.getRaw(key);
    expect(written).toEqual({ key, sha256: sha256(stored), size: stored.length, kid: 'kid1' });
    for (const secret of [
      'Quixotewright',
      'Henrietta',
      'NHI-8842-1177',
      'Patient/p-7f3a',
      'resourceType',
      'xxxxxxxx',
    ]) {
      expect(stored.includes(secret)).toBe(false);
    }
    const stat = await raw.statObject(bucket, key);
    expect(stat.metaData).toMatchObject({ 'uhr-kid': 'kid1', 'content-type': 'application/vnd.uhr.encrypted-blob' });

    const read = await store.get(key, written.sha256);
    expect(read.contentType).toBe('application/fhir+json');
    expect(read.plaintext.equals(bundle)).toBe(true);
  });

  it('round-trips a 1 MiB binary whose bytes do not appear in storage', async () => {
    const key = objectKey();
    const binary = randomBytes(1024 * 1024);
    const written = await store.put(key, binary, 'application/dicom');
    const stored = await store.getRaw(key);
    for (const offset of [0, 4096, 512 * 1024, binary.length - 64]) {
      expect(stored.includes(binary.subarray(offset, offset + 64))).toBe(false);
    }
    const read = await store.get(key, written.sha256);
    expect(read.plaintext.equals(binary)).toBe(true);
  });

  it('writes different bytes for the same plaintext (fresh data key per object)', async () => {
    const bundle = aFhirBundle(4096);
    const a = await store.put(objectKey(), bundle, 'application/fhir+json');
    const b = await store.put(objectKey(), bundle, 'application/fhir+json');
    expect(a.sha256).not.toBe(b.sha256);
  });

  it('reports a byte overwritten directly in S3 as tampering, before decrypting', async () => {
    const key = objectKey();
    const written = await store.put(key, aFhirBundle(4096), 'application/fhir+json');
    const stored = await readAll(await raw.getObject(bucket, key));
    const tampered = Buffer.from(stored);
    const last = tampered.length - 1;
    tampered[last] = (tampered[last] ?? 0) ^ 0xff;
    await overwriteRaw(key, tampered);

    const error = await expectRejection(store.get(key, written.sha256), BlobTamperedError);
    expect(error.expectedSha256).toBe(written.sha256);
    expect(error.actualSha256).toBe(sha256(tampered));
    expect(error.message).toContain(written.sha256);
  });

  it("detects two blobs swapped in S3 even when the caller holds the moved blob's anchor", async () => {
    const keyA = objectKey();
    const keyB = objectKey();
    const a = await store.put(keyA, aFhirBundle(4096), 'application/fhir+json');
    await store.put(keyB, aFhirBundle(4096), 'application/fhir+json');
    await overwriteRaw(keyB, await store.getRaw(keyA));

    // Under B's anchor the swap is tampering; under A's anchor the hash matches but the AAD (object key) does not.
    await expectRejection(store.get(keyB, sha256(await store.getRaw(keyA))), BlobIntegrityError);
    expect((await store.get(keyA, a.sha256)).plaintext.length).toBe(4096);
  });

  describe('packs (putMany): many blobs, one object, one PUT', () => {
    const packKey = (): string => `packs/test/${randomBytes(6).toString('hex')}`;

    it('round-trips every blob of a pack by its ref, each frame with its own data key and anchor', async () => {
      const key = packKey();
      const bodies = Array.from({ length: 25 }, (_, i) => aFhirBundle(4096 + i));
      const written = await store.putMany(
        key,
        bodies.map((plaintext) => ({ plaintext, contentType: 'application/fhir+json' })),
      );
      expect(written).toHaveLength(25);
      const whole = await readAll(await raw.getObject(bucket, key));
      expect(whole.length).toBe(written.reduce((n, w) => n + w.size, 0));
      expect(whole.includes(bodies[0]!.subarray(0, 64))).toBe(false); // only ciphertext in S3
      for (const [i, w] of written.entries()) {
        expect(w.key).toMatch(new RegExp(`^${key}#\\d+\\+${w.size}$`));
        expect(sha256(await store.getRaw(w.key))).toBe(w.sha256);
        const back = await store.get(w.key, w.sha256);
        expect(back.plaintext.equals(bodies[i]!)).toBe(true);
        expect(back.contentType).toBe('application/fhir+json');
      }
      const headers = written.map((w) => {
        const at = Number(/#(\d+)\+/.exec(w.key)![1]);
        return decodeBlobFrame(whole.subarray(at, at + w.size)).header.wrappedKey;
      });
      expect(new Set(headers).size).toBe(25);
    });

    it('detects a byte changed inside one frame of a pack; its neighbours still read', async () => {
      const key = packKey();
      const written = await store.putMany(
        key,
        [1, 2, 3].map(() => ({ plaintext: aFhirBundle(4096), contentType: 'application/fhir+json' })),
      );
      const whole = Buffer.from(await readAll(await raw.getObject(bucket, key)));
      const second = Number(/#(\d+)\+/.exec(written[1]!.key)![1]);
      const at = second + written[1]!.size - 1;
      whole[at] = (whole[at] ?? 0) ^ 0xff;
      await overwriteRaw(key, whole);
      await expectRejection(store.get(written[1]!.key, written[1]!.sha256), BlobTamperedError);
      expect((await store.get(written[0]!.key, written[0]!.sha256)).plaintext.length).toBe(4096);
      expect((await store.get(written[2]!.key, written[2]!.sha256)).plaintext.length).toBe(4096);
    });

    it('does not open a frame copied elsewhere, even under its own anchor (pack key and offset are the AAD)', async () => {
      const key = packKey();
      const [w] = await store.putMany(key, [{ plaintext: aFhirBundle(4096), contentType: 'application/fhir+json' }]);
      const copy = packKey();
      await overwriteRaw(copy, await readAll(await raw.getObject(bucket, key)));
      await expectRejection(store.get(w!.key.replace(key, copy), w!.sha256), BlobIntegrityError);
    });

    it('refuses ref-shaped keys for single puts, and rewrap/remove of one packed frame', async () => {
      await expect(store.put('a/b#0+10', aFhirBundle(4096), 'application/fhir+json')).rejects.toThrow(RangeError);
      const [w] = await store.putMany(packKey(), [{ plaintext: aFhirBundle(4096), contentType: 'text/plain' }]);
      await expect(store.rewrap(w!.key, w!.sha256)).rejects.toThrow(RangeError);
      await expect(store.remove(w!.key)).rejects.toThrow(RangeError);
    });
  });

  it('refuses a client with a wrong secret key (SigV4 is enforced)', async () => {
    const intruder = new EncryptedBlobStore({ ...options, secretKey: `${secretKey}-wrong` }, ringKid1);
    const key = objectKey();
    const written = await store.put(key, aFhirBundle(4096), 'application/fhir+json');

    const attempts = [
      () => intruder.get(key, written.sha256),
      () => intruder.put(objectKey(), Buffer.from('x'), 'text/plain'),
      () => intruder.ping(),
    ];
    for (const attempt of attempts) {
      const error = await expectRejection(attempt(), BlobStoreUnavailableError);
      expect(error.reason).toBe('access-denied');
      expect(['AccessDenied', 'SignatureDoesNotMatch', 'InvalidAccessKeyId']).toContain(error.code);
    }
  });

  it('rotates: rewrap moves the data key to kid2 without re-encrypting the body, then kid1 can be retired', async () => {
    const key = objectKey();
    const bundle = aFhirBundle(4096);
    const v1 = await store.put(key, bundle, 'application/fhir+json');
    const before = decodeBlobFrame(await store.getRaw(key));

    const rotatedStore = new EncryptedBlobStore(options, ringRotated);
    // Still readable under the new ring before rewrap.
    expect((await rotatedStore.get(key, v1.sha256)).plaintext.equals(bundle)).toBe(true);

    const v2 = await rotatedStore.rewrap(key, v1.sha256);
    expect(v2).toMatchObject({ key, kid: 'kid2', previousSha256: v1.sha256, rewrapped: true });
    expect(v2.sha256).not.toBe(v1.sha256);
    const afterBytes = await store.getRaw(key);
    expect(v2.sha256).toBe(sha256(afterBytes));
    expect(v2.size).toBe(afterBytes.length);
    const after = decodeBlobFrame(afterBytes);
    expect(after.ciphertext.equals(before.ciphertext)).toBe(true);
    expect(after.header.kid).toBe('kid2');
    expect((await raw.statObject(bucket, key)).metaData).toMatchObject({ 'uhr-kid': 'kid2' });

    // The old anchor no longer matches; the new one does, even with kid1 gone.
    await expectRejection(rotatedStore.get(key, v1.sha256), BlobTamperedError);
    const kid2Only = new EncryptedBlobStore(options, ringKid2Only);
    expect((await kid2Only.get(key, v2.sha256)).plaintext.equals(bundle)).toBe(true);

    // Rewrapping again is a no-op.
    const again = await rotatedStore.rewrap(key, v2.sha256);
    expect(again).toMatchObject({ sha256: v2.sha256, rewrapped: false, kid: 'kid2' });
  });

  it('refuses to rewrap a tampered blob, so rotation cannot launder it into a new anchor', async () => {
    const key = objectKey();
    const written = await store.put(key, aFhirBundle(4096), 'application/fhir+json');
    const tampered = await store.getRaw(key);
    tampered[tampered.length - 10] = (tampered[tampered.length - 10] ?? 0) ^ 0x01;
    await overwriteRaw(key, tampered);
    await expectRejection(new EncryptedBlobStore(options, ringRotated).rewrap(key, written.sha256), BlobTamperedError);
  });

  it('reports a missing key as BlobNotFoundError', async () => {
    const key = objectKey();
    const error = await expectRejection(store.get(key, 'a'.repeat(64)), BlobNotFoundError);
    expect(error.key).toBe(key);
    expect(error.bucket).toBe(bucket);
  });

  it('removes a blob, and removing it again is harmless', async () => {
    const key = objectKey();
    const written = await store.put(key, Buffer.from('short'), 'text/plain');
    await store.remove(key);
    await store.remove(key);
    await expectRejection(store.get(key, written.sha256), BlobNotFoundError);
  });

  it('reports a bucket that does not exist as bucket-missing', async () => {
    const absent = new EncryptedBlobStore({ ...options, bucket: `${bucket}-absent` }, ringKid1);
    expect((await expectRejection(absent.ping(), BlobStoreUnavailableError)).reason).toBe('bucket-missing');
    expect((await expectRejection(absent.getRaw('k'), BlobStoreUnavailableError)).reason).toBe('bucket-missing');
  });

  it('reports a server that is not listening as unreachable, with the socket error', async () => {
    const down = new EncryptedBlobStore({ ...options, endpoint: 'http://127.0.0.1:1' }, ringKid1);
    const error = await expectRejection(down.ping(), BlobStoreUnavailableError);
    expect(error.reason).toBe('unreachable');
    expect(error.code).toBe('ECONNREFUSED');
  });
});
