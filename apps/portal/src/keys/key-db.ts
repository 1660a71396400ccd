import type { SealedKey } from './sealed-key';

/** IndexedDB holds the sealed key (never the plain one), one per signed-in person (their login subject). */
const DB = 'uhr-portal';
const STORE = 'sealed-keys';

function db(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open(DB, 1);
    open.onupgradeneeded = () => open.result.createObjectStore(STORE);
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
  });
}

async function tx<T>(mode: IDBTransactionMode, run: (s: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const d = await db();
  try {
    return await new Promise<T>((resolve, reject) => {
      const r = run(d.transaction(STORE, mode).objectStore(STORE));
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
  } finally {
    d.close();
  }
}

export const loadSealedKey = (subject: string) => tx<SealedKey | undefined>('readonly', (s) => s.get(subject));
export const saveSealedKey = (subject: string, k: SealedKey) => tx('readwrite', (s) => s.put(k, subject));
export const forgetSealedKey = (subject: string) => tx('readwrite', (s) => s.delete(subject));
