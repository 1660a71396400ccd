import { randomBytes, randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { EventContext } from '../../src/events/envelope.js';
import { migrate, openDataSource, platformMigrations } from '../../src/persistence/database.js';
import { ConcurrencyError, EventStore } from '../../src/persistence/event-store.js';

// A database of its own on the stack's PostgreSQL (UHR_PG_URL from .uhr/env, exported by the test runner).
const pgUrl = process.env.UHR_PG_URL;
if (!pgUrl) throw new Error('UHR_PG_URL is not set: run integration tests through npm test (it sources .uhr/env)');

const ctx = (): EventContext => ({ actor: 'tester', correlationId: randomUUID(), occurredAt: new Date() });
const ev = (n: number) => ({ type: 'test.Happened', version: 1, payload: { n } });

describe('EventStore (real PostgreSQL)', () => {
  let ds: DataSource;
  let store: EventStore;

  beforeAll(async () => {
    ds = await openDataSource({ pgUrl, database: `uhr_test_events_${randomBytes(4).toString('hex')}` });
    await migrate(ds, platformMigrations);
    store = new EventStore(ds);
  });
  afterAll(async () => {
    const name = ds.options.database as string | undefined;
    await ds.destroy();
    if (name) {
      const admin = await openDataSource({ pgUrl, database: 'postgres' });
      await admin.query(`drop database if exists "${name}"`);
      await admin.destroy();
    }
  });

  it('appends events and their outbox rows in one statement, in order, and loads them back', async () => {
    const id = randomUUID();
    const envs = await store.append(ds.manager, id, 0, [ev(1), ev(2), ev(3)], ctx(), 'uhr.test.v1');
    expect(envs.map((e) => e.sequence)).toEqual([1, 2, 3]);
    const loaded = await store.load(id);
    expect(loaded.map((e) => (e.payload as { n: number }).n)).toEqual([1, 2, 3]);
    expect(loaded.map((e) => e.id)).toEqual(envs.map((e) => e.id));
    const outbox: Array<{ event_id: string; topic: string; key: string; message: { sequence: number } }> =
      await ds.query('select event_id, topic, key, message from uhr_outbox where key = $1 order by id', [id]);
    expect(outbox.map((o) => o.event_id)).toEqual(envs.map((e) => e.id));
    expect(outbox.every((o) => o.topic === 'uhr.test.v1')).toBe(true);
    expect(outbox.map((o) => o.message.sequence)).toEqual([1, 2, 3]);
  });

  it('appends to many streams at once, the outbox keeping the input order', async () => {
    const ids = Array.from({ length: 50 }, () => randomUUID());
    await store.appendMany(
      ds.manager,
      ids.map((streamId, i) => ({ streamId, expectedVersion: 0, events: [ev(i)] })),
      ctx(),
      'uhr.test.v1',
    );
    const rows: Array<{ key: string }> = await ds.query('select key from uhr_outbox where key = any($1) order by id', [
      ids,
    ]);
    expect(rows.map((r) => r.key)).toEqual(ids);
  });

  it('refuses a stale expected version with ConcurrencyError naming the stream, and writes nothing of the batch', async () => {
    const taken = randomUUID();
    await store.append(ds.manager, taken, 0, [ev(1)], ctx(), 'uhr.test.v1');
    const fresh = randomUUID();
    const attempt = store.appendMany(
      ds.manager,
      [
        { streamId: fresh, expectedVersion: 0, events: [ev(1)] },
        { streamId: taken, expectedVersion: 0, events: [ev(2)] },
      ],
      ctx(),
      'uhr.test.v1',
    );
    await expect(attempt).rejects.toBeInstanceOf(ConcurrencyError);
    await expect(attempt).rejects.toMatchObject({ streamId: taken, expected: 0 });
    expect(await store.load(fresh)).toEqual([]);
    const outbox: unknown[] = await ds.query('select 1 from uhr_outbox where key = $1', [fresh]);
    expect(outbox).toHaveLength(0);
  });

  it('rolls back with the caller’s transaction', async () => {
    const id = randomUUID();
    await expect(
      ds.transaction(async (m) => {
        await store.append(m, id, 0, [ev(1)], ctx(), 'uhr.test.v1');
        throw new Error('the command failed after appending');
      }),
    ).rejects.toThrow('the command failed');
    expect(await store.load(id)).toEqual([]);
  });

  it('executes a command: folds the stream, decides on the state, appends after it, projects each event', async () => {
    const id = randomUUID();
    type Ev = { type: 'test.Happened'; version: number; payload: { n: number } };
    const counter = { initial: 0, evolve: (total: number, e: Ev) => total + e.payload.n, topic: 'uhr.test.v1' };
    const projected: number[] = [];
    const add = (n: number) => (total: number) => [
      { type: 'test.Happened' as const, version: 1, payload: { n: total + n } },
    ];
    await store.execute(ds.manager, id, counter, add(1), ctx(), async (e) => void projected.push(e.sequence));
    await store.execute(ds.manager, id, counter, add(1), ctx(), async (e) => void projected.push(e.sequence));
    // The second decision saw the first event folded in (state 1 → payload 2).
    expect((await store.load(id)).map((e) => (e.payload as { n: number }).n)).toEqual([1, 2]);
    expect(projected).toEqual([1, 2]);
    // Two commands deciding on the same state: the second to append loses with ConcurrencyError.
    const both = await Promise.allSettled([
      ds.transaction((m) => store.execute(m, id, counter, add(0), ctx(), async () => undefined)),
      ds.transaction((m) => store.execute(m, id, counter, add(0), ctx(), async () => undefined)),
    ]);
    expect(both.filter((r) => r.status === 'fulfilled').length).toBeGreaterThanOrEqual(1);
    for (const r of both) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(ConcurrencyError);
  });
});
