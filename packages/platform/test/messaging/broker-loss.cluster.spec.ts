import { randomBytes, randomUUID } from 'node:crypto';
import pino from 'pino';
import type { DataSource, EntityManager } from 'typeorm';
import type { EventEnvelope } from '../../src/events/envelope.js';
import { databaseUrl, migrate, openDataSource, platformMigrations } from '../../src/persistence/database.js';
import { EventStore, OUTBOX_CHANNEL } from '../../src/persistence/event-store.js';
import { Waker } from '../../src/persistence/waker.js';
import { killNode, loadClusterEnv, startNode, type ClusterNode } from '../../src/testing/cluster.js';
import { dropTestDatabase, loadStackEnv, waitFor } from '../../src/testing/index.js';
import { IdempotentConsumer } from '../../src/messaging/idempotent-consumer.js';
import { createKafka, ensureTopics } from '../../src/messaging/kafka.js';
import { OutboxRelay } from '../../src/messaging/outbox-relay.js';

// The cluster profile's three brokers (RF 3, min ISR 2) and the stack's PostgreSQL: the outbox relay publishes
// with acks=all from an idempotent producer, two idempotent consumers apply what it publishes.
const env = loadStackEnv();
const cluster = loadClusterEnv();
const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
const run = randomBytes(4).toString('hex');
const kafka = createKafka(`broker-loss-${run}`, cluster.kafkaBrokers, logger);
const topics = { registrations: `uhr.test.registrar-${run}.identity.v1`, uploads: `uhr.test.records-${run}.record.v1` };
const databases = { producer: `uhr_cluster_producer_${run}`, consumers: `uhr_cluster_consumers_${run}` };

let producerDb: DataSource;
let consumerDb: DataSource;
let waker: Waker;
let relay: OutboxRelay;
const consumers: IdempotentConsumer[] = [];

const count = async (ds: DataSource, sql: string, params: unknown[] = []): Promise<number> =>
  Number((await ds.query(sql, params))[0].n);

/** A consumer that records each envelope it applies, with its own group and processed ids. */
function consumer(name: string, subscribed: string[]): IdempotentConsumer {
  return new IdempotentConsumer(kafka, consumerDb, logger, {
    groupId: `${name}-${run}`,
    topics: subscribed,
    fromBeginning: true,
    handler: async (e: EventEnvelope, m: EntityManager) => {
      await m.query('insert into effects (consumer, envelope_id, at) values ($1, $2, now())', [name, e.id]);
    },
  });
}

beforeAll(async () => {
  producerDb = await openDataSource({ pgUrl: env.UHR_PG_URL!, database: databases.producer });
  await migrate(producerDb, platformMigrations);
  consumerDb = await openDataSource({ pgUrl: env.UHR_PG_URL!, database: databases.consumers });
  await migrate(consumerDb, [
    ...platformMigrations,
    {
      id: 'test-0001-effects',
      sql: 'create table effects (consumer text not null, envelope_id uuid not null, at timestamptz not null)',
    },
  ]);
  await ensureTopics(kafka, Object.values(topics));
  waker = new Waker(databaseUrl(env.UHR_PG_URL!, databases.producer), OUTBOX_CHANNEL);
  await waker.start();
  relay = new OutboxRelay(producerDb, kafka, waker, logger);
  // notifications hears both families; the records side's identity directory hears registrations.
  consumers.push(consumer('notifications', Object.values(topics)), consumer('directory', [topics.registrations]));
  for (const c of consumers) await c.start();
  relay.start();
});

afterAll(async () => {
  for (const c of consumers) await c.stop().catch(() => undefined);
  await relay?.stop().catch(() => undefined);
  await waker?.stop().catch(() => undefined);
  for (const ds of [producerDb, consumerDb]) await ds?.destroy().catch(() => undefined);
  for (const db of Object.values(databases)) await dropTestDatabase(db).catch(() => undefined);
});

/** Appends a registration or an upload (an event and its outbox row, one transaction) as the services do. */
async function append(i: number): Promise<void> {
  const store = new EventStore(producerDb);
  const registration = i % 2 === 0;
  const event = registration
    ? { type: 'registrar.IdentityRegistered', version: 1, payload: { n: i } }
    : { type: 'records.RecordUploaded', version: 1, payload: { n: i } };
  const ctx = { actor: 'cluster-test', correlationId: randomUUID(), occurredAt: new Date() };
  await producerDb.transaction((m) =>
    store.append(m, randomUUID(), 0, [event], ctx, registration ? topics.registrations : topics.uploads),
  );
}

/** The broker that leads partition 0 of the uploads topic: losing it forces a leader election. */
async function leaderOfUploads(): Promise<ClusterNode> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    // Any broker may answer; one that has not yet heard of the topic says so, and the next may know it.
    const { topics: meta } = await waitFor('the uploads topic known', () =>
      admin.fetchTopicMetadata({ topics: [topics.uploads] }),
    );
    const partitions = meta[0]!.partitions;
    expect(partitions.map((p) => p.replicas.length)).toEqual([3, 3, 3]); // RF 3 from the brokers' defaults
    return `kafka-${partitions.find((p) => p.partitionId === 0)!.leader}` as ClusterNode;
  } finally {
    await admin.disconnect();
  }
}

it('kill -9 of a partition leader under a stream of registrations and uploads: every acknowledged event applied once by each consumer, none stalled past its return', async () => {
  const victim = await leaderOfUploads();
  let appended = 0;
  let producing = true;
  const stream = (async () => {
    while (producing) {
      await append(appended);
      appended += 1;
      await new Promise((r) => setTimeout(r, 15));
    }
  })();
  await waitFor(
    'a first part consumed',
    async () => (await count(consumerDb, 'select count(*) as n from effects')) > 100,
    {
      timeoutMs: 60_000,
    },
  );

  await killNode(victim);
  const killedAfter = appended;
  // Two replicas stay in sync (min ISR 2): the stream goes on while the broker is down — 200 events appended
  // after the kill are applied before it returns.
  await waitFor(
    'events appended after the kill published and consumed while the broker is down',
    async () =>
      (await count(consumerDb, `select count(*) as n from effects where consumer = 'notifications'`)) >=
      killedAfter + 200,
    { timeoutMs: 60_000, intervalMs: 250 },
  );
  const duringOutage = appended - killedAfter;

  await startNode(victim);
  const returnedAt = Date.now();
  await new Promise((r) => setTimeout(r, 3000));
  producing = false;
  await stream;

  const total = appended;
  const registrations = Math.ceil(total / 2);
  await waitFor('every event published', async () => (await relay.pendingCount()) === 0, { timeoutMs: 30_000 });
  await waitFor(
    'every event applied',
    async () =>
      (await count(consumerDb, `select count(*) as n from effects where consumer = 'notifications'`)) >= total &&
      (await count(consumerDb, `select count(*) as n from effects where consumer = 'directory'`)) >= registrations,
    { timeoutMs: 30_000, intervalMs: 250 },
  );
  const drainedAfter = (Date.now() - returnedAt) / 1000;

  // Acknowledged = published: the relay marks a row only after acks from all in-sync replicas.
  expect(await count(producerDb, 'select count(*) as n from uhr_outbox where published_at is not null')).toBe(total);
  const applied: Array<{ consumer: string; events: string; distinct_events: string }> = await consumerDb.query(
    `select consumer, count(*)::text as events, count(distinct envelope_id)::text as distinct_events
       from effects group by consumer order by consumer`,
  );
  expect(applied).toEqual([
    { consumer: 'directory', events: String(registrations), distinct_events: String(registrations) },
    { consumer: 'notifications', events: String(total), distinct_events: String(total) },
  ]);
  // Each applied id is one the producer stored (nothing invented, nothing lost).
  const ids: Array<{ id: string }> = await producerDb.query(`select message->>'id' as id from uhr_outbox`);
  const appliedIds: Array<{ id: string }> = await consumerDb.query(
    `select envelope_id::text as id from effects where consumer = 'notifications'`,
  );
  expect(new Set(appliedIds.map((r) => r.id))).toEqual(new Set(ids.map((r) => r.id)));
  expect(await count(consumerDb, 'select count(*) as n from uhr_dead_letters')).toBe(0);
  console.log(
    `broker loss: ${victim} killed, ${duringOutage} events appended while it was down, ${total} in all, ` +
      `drained ${drainedAfter.toFixed(1)} s after its return`,
  );
});
