// End-to-end delay of notifications: envelope published to Kafka (acks=all) → inbox row committed.
// Boots the service in-process on its own database and consumer group, against the running Kafka and PostgreSQL
// (scripts/stack.sh up), publishes `--count` RecordAdded events at `--rate` per second (0: as fast as the
// producer goes) and prints p50/p90/p99/max of the delay.
// Usage: npm run bench:notifications [-- --count 1000 --rate 200 --consumers 1 --shared-topics false]
import { randomBytes, randomUUID } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { createServiceApp } from '@uhr/platform';
import { loadStackEnv, waitFor } from '@uhr/platform/testing';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { notificationsConfig } from '../src/config.js';
import { NotificationsModule } from '../src/notifications.module.js';
import { events } from '../test/builders.js';
import { TestKafka } from '../test/kafka.js';

const args = new Map<string, string>();
const argv = process.argv.slice(2).filter((a) => a !== '--');
for (let i = 0; i < argv.length; i += 2) args.set(argv[i]!.replace(/^--/, ''), argv[i + 1] ?? '');
const count = Number(args.get('count') ?? 1000);
const rate = Number(args.get('rate') ?? 200);
const consumers = args.get('consumers') ?? '1';

const env = loadStackEnv();
const runId = randomBytes(4).toString('hex');
const database = `uhr_notifications_bench_${runId}`;
const groupId = `notifications-bench-${runId}`;
// Private topics by default, so the synthetic events reach no other consumer (--shared-topics true: the real ones).
const topicPrefix = args.get('shared-topics') === 'true' ? '' : `bench-${runId}`;
const config = notificationsConfig({
  ...process.env,
  PORT: '0',
  UHR_DATABASE: database,
  UHR_NOTIFICATIONS_GROUP: groupId,
  UHR_NOTIFICATIONS_FROM_BEGINNING: 'false',
  UHR_NOTIFICATIONS_CONSUMERS: consumers,
  UHR_NOTIFICATIONS_TOPIC_PREFIX: topicPrefix,
  LOG_LEVEL: 'warn',
});

const app = await createServiceApp(NotificationsModule.forRoot(config), config);
await app.init();
const ds = app.get(DataSource);
const kafka = new TestKafka(env.UHR_KAFKA_BROKERS!, topicPrefix);
try {
  process.stdout.write(
    `notifications bench: ${count} events at ${rate || 'max'}/s, ${consumers} consumer(s), ` +
      `topics ${topicPrefix ? `${topicPrefix}.*` : 'shared'}, database ${database}\n`,
  );
  await kafka.warmUp(ds, groupId);
  const provider = randomUUID();
  const batch = Array.from({ length: count }, () => events.recordAdded(randomUUID(), provider).build());
  const sentAt = new Map<string, number>();
  const loadAtStart = loadavg()[0]!.toFixed(2);
  const started = Date.now();
  for (let i = 0; i < batch.length; i++) {
    if (rate > 0) {
      const due = started + (i * 1000) / rate;
      if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
    }
    const e = batch[i]!;
    sentAt.set(e.id, Date.now());
    await kafka.publish(e);
  }
  const publishedIn = Date.now() - started;
  const ids = batch.map((e) => e.id);
  await waitFor(
    `${count} inbox rows`,
    async () => {
      const rows: Array<{ n: number }> = await ds.query(
        'select count(*)::int as n from inbox where event_id = any($1::text[])',
        [ids],
      );
      return rows[0]!.n === count;
    },
    { timeoutMs: 300_000, intervalMs: 200 },
  );
  const rows: Array<{ event_id: string; ms: string }> = await ds.query(
    'select event_id, (extract(epoch from created_at) * 1000)::text as ms from inbox where event_id = any($1::text[])',
    [ids],
  );
  const delays = rows.map((r) => Number(r.ms) - sentAt.get(r.event_id)!).sort((a, b) => a - b);
  const pct = (p: number) => delays[Math.min(delays.length - 1, Math.ceil((p / 100) * delays.length) - 1)]!;
  const lastRow = Math.max(...rows.map((r) => Number(r.ms)));
  const fmt = (n: number) => `${n.toFixed(1)} ms`;
  process.stdout.write(
    [
      `published ${count} events in ${publishedIn} ms (${((count * 1000) / publishedIn).toFixed(0)}/s)`,
      `consumed through in ${(lastRow - started).toFixed(0)} ms`,
      `end-to-end delay (publish → inbox row): p50 ${fmt(pct(50))}  p90 ${fmt(pct(90))}  p99 ${fmt(pct(99))}  max ${fmt(delays[delays.length - 1]!)}`,
      // The machine is shared: the load says how much of the delay is queueing behind other work.
      `load average ${loadAtStart} at start, ${loadavg()[0]!.toFixed(2)} at end, ${cpus().length} cores`,
      '',
    ].join('\n'),
  );
} finally {
  await app.close();
  if (topicPrefix) await kafka.deleteTopics().catch(() => undefined);
  await kafka.close();
  const admin = new pg.Client({ connectionString: env.UHR_PG_URL });
  await admin.connect();
  await admin.query(`drop database if exists "${database}" with (force)`).catch(() => undefined);
  await admin.end();
}
