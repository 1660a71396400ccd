import { ConcurrencyError, type EncryptedBlobStore, type EventContext } from '@uhr/platform';
import type { RecordRepository, UploadCommand } from '../../../../src/records/record.repository.js';
import { UploadPacker, type PackEntry } from '../../../../src/records/use-cases/upload-record/upload-packer.js';

// The grouping logic alone, with in-memory stand-ins for S3 and the repository (the real ones are exercised by
// services/records/test/figure4.int.spec.ts against real servers).
const ctx = (): EventContext => ({ actor: 'provider', correlationId: 'c', occurredAt: new Date() });
const entry = (n: number): PackEntry => ({
  plaintext: Buffer.from(`record ${n}`),
  contentType: 'application/fhir+json',
  ctx: ctx(),
  command: (stored) =>
    ({ recordId: `r${n}`, content: { blobKey: stored.key, contentHash: stored.sha256 } }) as unknown as UploadCommand,
});

function harness() {
  const puts: string[][] = [];
  const inserts: number[] = [];
  let gate: (() => void) | undefined;
  const removed: string[] = [];
  const failPuts = new Set<number>();
  const taken = new Set<string>();
  const blobs = {
    putMany: async (key: string, items: Array<{ plaintext: Buffer }>) => {
      puts.push(items.map((i) => i.plaintext.toString()));
      if (gate === undefined && puts.length === 1) await new Promise<void>((r) => (gate = r));
      if (failPuts.has(puts.length - 1)) throw new Error('storage down');
      return items.map((_, i) => ({ key: `${key}#${i}+1`, sha256: String(i), size: 1, kid: 'k' }));
    },
    remove: async (key: string) => void removed.push(key),
  } as unknown as EncryptedBlobStore;
  const records = {
    insertUploads: async (items: Array<{ upload: UploadCommand }>) => {
      const clash = items.find((i) => taken.has(i.upload.recordId));
      if (clash) throw new ConcurrencyError(clash.upload.recordId, 0);
      inserts.push(items.length);
      return [];
    },
  } as unknown as RecordRepository;
  return {
    packer: new UploadPacker(blobs, records),
    puts,
    inserts,
    removed,
    release: () => gate?.(),
    failPut: (n: number) => failPuts.add(n),
    take: (recordId: string) => taken.add(recordId),
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

  it('tries the members of a failed group alone: only those that fail alone are refused', async () => {
    const h = harness();
    h.failPut(1); // the group [1, 2]
    h.failPut(3); // then 2, alone
    const first = h.packer.submit(entry(0));
    await new Promise((r) => setImmediate(r));
    const group = [1, 2].map((n) => h.packer.submit(entry(n)));
    h.release();
    await expect(first).resolves.toMatchObject({ recordId: 'r0' });
    await expect(group[0]).resolves.toMatchObject({ recordId: 'r1' });
    await expect(group[1]).rejects.toThrow('storage down');
    expect(h.puts).toEqual([['record 0'], ['record 1', 'record 2'], ['record 1'], ['record 2']]);
    expect(h.inserts).toEqual([1, 1]);
    await expect(h.packer.submit(entry(3))).resolves.toMatchObject({ recordId: 'r3' });
  });

  it("one member's taken record id fails it alone, and its refused pack leaves no object behind", async () => {
    const h = harness();
    h.take('r2');
    const first = h.packer.submit(entry(0));
    await new Promise((r) => setImmediate(r));
    const group = [1, 2, 3].map((n) => h.packer.submit(entry(n)));
    h.release();
    await first;
    await expect(group[0]).resolves.toMatchObject({ recordId: 'r1' });
    await expect(group[1]).rejects.toBeInstanceOf(ConcurrencyError);
    await expect(group[2]).resolves.toMatchObject({ recordId: 'r3' });
    expect(h.inserts).toEqual([1, 1, 1]);
    // The group's pack and r2's own pack were refused before commit: both removed; committed packs stay.
    expect(h.removed).toHaveLength(2);
    expect(h.removed.every((k) => h.puts.length === 5 && k.startsWith('packs/'))).toBe(true);
  });
});
