import { randomBytes, randomUUID } from 'node:crypto';
import pino from 'pino';
import type { DataSource, EntityManager } from 'typeorm';
import { envelopeOf, type EventEnvelope } from '../../src/events/envelope.js';
import { migrate, openDataSource, platformMigrations } from '../../src/persistence/database.js';
import { IdempotentConsumer } from '../../src/messaging/idempotent-consumer.js';
import { createKafka, createProducer, ensureTopics } from '../../src/messaging/kafka.js';

// Real Kafka and PostgreSQL from the stack (.uhr/env, exported by the test runner).
const pgUrl = process.env.UHR_PG_URL;
const brokers = process.env.UHR_KAFKA_BROKERS;
if (!pgUrl || !brokers) throw new Error('UHR_PG_URL / UHR_KAFKA_BROKERS not set: run through npm test');

const logger = pino({ level: 'silent' });
const suffix = randomBytes(4).toString('hex');
const topic = `uhr.test.consumer-${suffix}.v1`;
const kafka = createKafka(`consumer-test-${suffix}`, brokers.split(','), logger);

const envelope = (n: number): EventEnvelope =>
  envelopeOf({ type: n % 5 === 4 ? 'test.Ignored' : 'test.Happened', version: 1, payload: { n } }, `s-${n}`, 1, {
    actor: 'tester',
    correlationId: randomUUID(),
    occurredAt: new Date(),
  });

async function until(what: string, check: () => Promise<boolean>, ms = 30_000) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('IdempotentConsumer (real Kafka and PostgreSQL)', () => {
  let ds: DataSource;
  let consumer: IdempotentConsumer;
  const failOnce = new Set<number>([7]);
  let attempts = 0;

  beforeAll(async () => {
    ds = await openDataSource({ pgUrl, database: `uhr_test_consumer_${suffix}` });
    await migrate(ds, platformMigrations);
    await ds.query('create table effects (n int not null, envelope_id uuid not null)');
    await ensureTopics(kafka, [topic], 1);
    consumer = new IdempotentConsumer(kafka, ds, logger, {
      groupId: `test-${suffix}`,
      topics: [topic],
      fromBeginning: true,
      accepts: (type) => type !== 'test.Ignored',
      handler: async (env: EventEnvelope, m: EntityManager) => {
        const n = (env.payload as { n: number }).n;
        attempts += 1;
        await m.query('insert into effects (n, envelope_id) values ($1, $2)', [n, env.id]);
        if (failOnce.delete(n)) throw new Error(`handler failed on ${n}`);
      },
    });
  });
  afterAll(async () => {
    await consumer.stop();
    const name = ds.options.database as string | undefined;
    await ds.destroy();
    if (name) {
      const admin = await openDataSource({ pgUrl, database: 'postgres' });
      await admin.query(`drop database if exists "${name}"`);
      await admin.destroy();
    }
  });

  it('applies a burst exactly once: duplicates skipped, malformed dead-lettered, a failing handler isolated and retried', async () => {
    const envs = Array.from({ length: 30 }, (_, i) => envelope(i));
    const producer = createProducer(kafka);
    await producer.connect();
    // One send: they reach the consumer as one batch (the path that shares a transaction).
    await producer.send({
      topic,
      messages: [
        ...envs.map((e) => ({ key: e.aggregateId, value: JSON.stringify(e) })),
        { key: 'x', value: '{not json' },
        { key: envs[0]!.aggregateId, value: JSON.stringify(envs[0]) }, // a relay re-send
      ],
    });
    await producer.disconnect();
    await consumer.start();

    const applicable = envs.filter((e) => e.type === 'test.Happened');
    await until('every applicable envelope applied', async () => {
      const [row] = await ds.query('select count(distinct n)::int as n from effects');
      return row.n === applicable.length;
    });
    const rows: Array<{ n: number; times: number }> = await ds.query(
      'select n, count(*)::int as times from effects group by n order by n',
    );
    expect(rows.map((r) => r.n)).toEqual(applicable.map((e) => (e.payload as { n: number }).n));
    expect(rows.every((r) => r.times === 1)).toBe(true); // the failed attempt on 7 was rolled back with its batch
    expect(attempts).toBeGreaterThan(applicable.length); // …and 7 (with what shared its transaction) ran again
    const processed: Array<{ n: number }> = await ds.query(
      'select count(*)::int as n from uhr_processed_messages where consumer = $1',
      [`test-${suffix}`],
    );
    expect(processed[0]!.n).toBe(applicable.length);
    await until('the malformed message dead-lettered', async () => {
      const dead: unknown[] = await ds.query('select 1 from uhr_dead_letters where raw = $1', ['{not json']);
      return dead.length === 1;
    });
    await until('the re-send seen and skipped', async () => consumer.skipped >= 1);
    expect(consumer.ignored).toBe(envs.length - applicable.length);
  });
});
