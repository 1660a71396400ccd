// A recall reaches the current custodians' inboxes: drug-trace's outbox → Kafka → the notifications service
// (in-process, this branch's catalogue, its own database and consumer group) → inbox rows.
import { randomBytes } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { createServiceApp } from '@uhr/platform';
import { dropTestDatabase, loadStackEnv, tokenFor, waitFor } from '@uhr/platform/testing';
import { DataSource } from 'typeorm';
import { notificationsConfig } from '../../notifications/src/config.js';
import { NotificationsModule } from '../../notifications/src/notifications.module.js';
import { TestKafka } from '../../notifications/test/kafka.js';
import {
  commission,
  epcisDocument,
  GLN,
  GTIN,
  receive,
  seedMasterData,
  sgtin,
  ship,
  startDrugTrace,
  subjectFor,
  type App,
} from './harness.js';

describe('recall → custodians’ inboxes (integration)', () => {
  let h: App;
  let notifications: INestApplication;
  let kafka: TestKafka;
  const run = randomBytes(4).toString('hex');
  const database = `uhr_notifications_dt_test_${run}`;

  beforeAll(async () => {
    h = await startDrugTrace();
    await seedMasterData(h);
    const config = notificationsConfig({
      ...process.env,
      PORT: '0',
      UHR_DATABASE: database,
      UHR_NOTIFICATIONS_GROUP: `notifications-dt-test-${run}`,
      UHR_NOTIFICATIONS_FROM_BEGINNING: 'false',
      UHR_NOTIFICATIONS_AUDITOR_SUBJECTS: await subjectFor('auditor'),
      LOG_LEVEL: 'warn',
    });
    notifications = await createServiceApp(NotificationsModule.forRoot(config), config);
    await notifications.listen(0, '127.0.0.1');
    kafka = new TestKafka(loadStackEnv().UHR_KAFKA_BROKERS!);
    await kafka.warmUp(notifications.get(DataSource), config.consumerGroup);
  }, 120_000);
  afterAll(async () => {
    await notifications?.close();
    await kafka?.close();
    await h?.close();
    await dropTestDatabase(database);
  });

  it('the pharmacy holding the lot and the distributor holding another part hear of it at once', async () => {
    const maker = await h.call(
      'maker',
      'POST',
      '/capture',
      epcisDocument([
        commission(['R1', 'R2'], 0, 'RLOT'),
        ship([sgtin('R1')], 1, GLN.maker, GLN.pharmacy),
        ship([sgtin('R2')], 1, GLN.maker, GLN.distributor),
      ]),
    );
    expect(maker.status).toBe(202);
    expect(
      (await h.call('pharmacy', 'POST', '/capture', epcisDocument([receive([sgtin('R1')], 3, GLN.pharmacy)]))).status,
    ).toBe(202);
    expect(
      (await h.call('distributor', 'POST', '/capture', epcisDocument([receive([sgtin('R2')], 3, GLN.distributor)])))
        .status,
    ).toBe(202);
    const recall = await h.call('maker', 'POST', '/recalls', {
      gtin: GTIN,
      lot: 'RLOT',
      reason: 'sterility not assured',
    });
    expect(recall.status).toBe(201);

    const base = (await notifications.getUrl()).replace('[::1]', '127.0.0.1');
    const inboxOf = async (user: string) => {
      const res = await fetch(`${base}/inbox`, { headers: { authorization: `Bearer ${await tokenFor(user)}` } });
      const body = (await res.json()) as {
        items: Array<{ type: string; title: string; body: string; severity: string }>;
      };
      return body.items.filter((i) => i.type === 'drug-trace.RecallIssued' && i.body.includes('RLOT'));
    };
    for (const user of ['pharmacist-1', 'distributor-1']) {
      const [item] = await waitFor(
        `${user}'s recall notice`,
        async () => ((await inboxOf(user)).length > 0 ? inboxOf(user) : undefined),
        { timeoutMs: 30_000 },
      );
      expect(item).toMatchObject({ title: 'Recall: Paracetamol 500 mg', severity: 'alert' });
      expect(item!.body).toContain('lot RLOT');
    }
  });
});
