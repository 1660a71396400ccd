// The cold-ischemia clock on the real servers: a heart past 75 % of its 6 h limit raises one alert, the limit a
// second, and notifications (in-process, its own database and consumer group) puts it in the organ bank's inbox.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { createServiceApp } from '@uhr/platform';
import { dropTestDatabase, loadStackEnv, tokenFor, waitFor } from '@uhr/platform/testing';
import { DataSource } from 'typeorm';
import { notificationsConfig } from '../../notifications/src/config.js';
import { NotificationsModule } from '../../notifications/src/notifications.module.js';
import { TestKafka } from '../../notifications/test/kafka.js';
import { IschemiaWorker } from '../src/donation/ischemia/ischemia.worker.js';
import { aDonor, aKidney } from './builders.js';
import { startRegistry, type Registry, type Reply } from './harness.js';

const HOUR = 3_600_000;
const run = randomBytes(4).toString('hex');
const notificationsDb = `uhr_notifications_test_${run}`;
let r: Registry;
let bank: (method: string, path: string, body?: unknown) => Promise<Reply>;
let notifications: INestApplication;
let kafka: TestKafka;
let organId: string;

async function inboxOf(username: string): Promise<{ title: string; body: string }[]> {
  const url = (await notifications.getUrl()).replace('[::1]', '127.0.0.1');
  const res = await fetch(`${url}/inbox`, { headers: { authorization: `Bearer ${await tokenFor(username)}` } });
  const body = (await res.json()) as { items?: { title: string; body: string }[] } | { title: string; body: string }[];
  return Array.isArray(body) ? body : (body.items ?? []);
}

beforeAll(async () => {
  const config = notificationsConfig({
    ...process.env,
    PORT: '0',
    UHR_DATABASE: notificationsDb,
    UHR_NOTIFICATIONS_GROUP: `notifications-organ-test-${run}`,
    UHR_NOTIFICATIONS_FROM_BEGINNING: 'false',
    UHR_NOTIFICATIONS_POLL_MS: '100',
    LOG_LEVEL: 'warn',
  });
  notifications = await createServiceApp(NotificationsModule.forRoot(config), config);
  await notifications.listen(0, '127.0.0.1');
  kafka = new TestKafka(loadStackEnv().UHR_KAFKA_BROKERS!);
  await kafka.warmUp(notifications.get(DataSource), config.consumerGroup);
  r = await startRegistry({ UHR_ORGAN_REGISTRY_OFFER_SWEEP_MS: '60000' });
  bank = await r.as('organbank-1');
  const donorId = (await bank('POST', '/donors', aDonor())).body.id as string;
  const clampedAt = r.clock.now().getTime() - 4 * HOUR;
  const heart = { type: 'heart', laterality: 'none', kdpi: undefined };
  organId = (await bank('POST', '/organs', aKidney(donorId, new Date(clampedAt).toISOString(), heart))).body.id;
}, 120_000);

afterAll(async () => {
  await r?.close();
  await notifications?.close();
  await kafka?.close();
  await dropTestDatabase(notificationsDb);
});

describe('cold-ischemia clock', () => {
  it('alerts once when approaching (4 h 30 of 6 h) and once at the limit', async () => {
    const sweep = () => r.app.get(IschemiaWorker).sweep();
    expect(await sweep()).toBe(0); // 4 h in: not yet
    r.clock.advance(30 * 60_000);
    expect(await sweep()).toBe(1);
    expect(await sweep()).toBe(0);
    r.clock.advance(90 * 60_000);
    expect(await sweep()).toBe(1);
    const alerts: { payload: { organId: string; stage: string } }[] = await r.db.query(
      `select payload from uhr_events where type = 'organ-registry.IschemiaAlertRaised' order by occurred_at`,
    );
    expect(alerts.map((a) => [a.payload.organId, a.payload.stage])).toEqual([
      [organId, 'approaching'],
      [organId, 'reached'],
    ]);
  });

  it('is delivered through notifications to the organ bank', async () => {
    const mine = await waitFor(
      'the ischemia alerts in the inbox',
      async () => {
        const items = (await inboxOf('organbank-1')).filter((i) => i.body.includes(organId));
        return items.length === 2 ? items : undefined;
      },
      { timeoutMs: 30_000 },
    );
    expect(mine.map((i) => i.title).sort()).toEqual(['Cold ischemia limit approaching', 'Cold ischemia limit reached']);
  });
});
