import type { EncryptedBlobStore, EventContext } from '@uhr/platform';
import type { RecordRepository, UploadCommand } from '../../record.repository.js';
import { UploadPacker, type PackEntry } from './upload-packer.js';

// The grouping logic alone, with in-memory stand-ins for S3 and the repository (the real ones are exercised by
// services/records/test/figure4.int.spec.ts against real servers).
const ctx = (): EventContext => ({ actor: 'provider', correlationId: 'c', occurredAt: new Date() });
const entry = (n: number): PackEntry => ({
  plaintext: Buffer.from(`record ${n}`),
  contentType: 'application/fhir+json',
  ctx: ctx(),
  command: (blobKey, sha256) =>
    ({ recordId: `r${n}`, content: { blobKey, contentHash: sha256 } }) as unknown as UploadCommand,
});

function harness() {
  const puts: string[][] = [];
  const inserts: number[] = [];
  let gate: (() => void) | undefined;
  let failPut = -1;
  const blobs = {
    putMany: async (key: string, items: Array<{ plaintext: Buffer }>) => {
      puts.push(items.map((i) => i.plaintext.toString()));
      if (gate === undefined && puts.length === 1) await new Promise<void>((r) => (gate = r));
      if (puts.length - 1 === failPut) throw new Error('storage down');
      return items.map((_, i) => ({ key: `${key}#${i}+1`, sha256: String(i), size: 1, kid: 'k' }));
    },
  } as unknown as EncryptedBlobStore;
  const records = {
    insertUploads: async (items: unknown[]) => {
      inserts.push(items.length);
      return [];
    },
  } as unknown as RecordRepository;
  return {
    packer: new UploadPacker(blobs, records),
    puts,
    inserts,
    release: () => gate?.(),
    failPut: (n: number) => (failPut = n),
  };
}

describe('UploadPacker: single uploads committed as a group', () => {
  it('writes a lone upload at once, and everything that arrives meanwhile as the next single pack', async () => {
    const h = harness();
    const first = h.packer.submit(entry(0));
    await new Promise((r) => setImmediate(r));
    const rest = [1, 2, 3, 4].map((n) => h.packer.submit(entry(n)));
    h.release();
    const done = await Promise.all([first, ...rest]);
    expect(h.puts).toEqual([['record 0'], ['record 1', 'record 2', 'record 3', 'record 4']]);
    expect(h.inserts).toEqual([1, 4]);
    expect(done.map((u) => u.recordId)).toEqual(['r0', 'r1', 'r2', 'r3', 'r4']);
    expect(done[3]!.content.blobKey).toMatch(/^packs\/\d{4}-\d{2}-\d{2}\/.+#2\+1$/);
  });

  it('fails every upload of a group that cannot be stored, and goes on with the next group', async () => {
    const h = harness();
    h.failPut(1);
    const first = h.packer.submit(entry(0));
    await new Promise((r) => setImmediate(r));
    const group = [1, 2].map((n) => h.packer.submit(entry(n)));
    h.release();
    await expect(first).resolves.toMatchObject({ recordId: 'r0' });
    for (const g of group) await expect(g).rejects.toThrow('storage down');
    expect(h.inserts).toEqual([1]); // nothing of the failed group reached the database
    await expect(h.packer.submit(entry(3))).resolves.toMatchObject({ recordId: 'r3' });
  });
});
