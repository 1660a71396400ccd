import { randomBytes } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { createServiceApp } from '@uhr/platform';
import { randomUUID } from 'node:crypto';
import {
  dropTestDatabase,
  fuzzService,
  loadStackEnv,
  openApiOf,
  sendTwiceWithKey,
  sendWithKey,
  tokenFor,
  undocumentedOperations,
} from '@uhr/platform/testing';
import { notificationsConfig } from '../src/config.js';
import { NotificationsModule } from '../src/notifications.module.js';

// The platform's edge checks through the notifications service booted in-process (this checkout's code).
const env = loadStackEnv();
const runId = randomBytes(4).toString('hex');
const database = `uhr_notifications_edge_${runId}`;
let app: INestApplication;
let url: string;

beforeAll(async () => {
  const config = notificationsConfig({
    ...env,
    PORT: '0',
    UHR_DATABASE: database,
    UHR_NOTIFICATIONS_GROUP: `notifications-edge-${runId}`,
    UHR_NOTIFICATIONS_FROM_BEGINNING: 'false',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
  });
  app = await createServiceApp(NotificationsModule.forRoot(config), config);
  await app.listen(0, '127.0.0.1');
  url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
}, 90_000);

afterAll(async () => {
  await app?.close();
  await dropTestDatabase(database);
});

describe('notifications edge', () => {
  it('refuses preferences nested 20,000 deep with 400 (before: a 500 from a stack overflow)', async () => {
    const res = await fetch(`${url}/preferences`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${await tokenFor('patient-alice')}`, 'content-type': 'application/json' },
      body: '['.repeat(20_000) + ']'.repeat(20_000),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { fields: unknown }).fields).toEqual({ '(body)': ['nested deeper than 32 levels'] });
  });

  it('answers every generated bad input below 500 (OpenAPI-driven) and stays healthy', async () => {
    const report = await fuzzService({ service: 'notifications', url }, { numRuns: 60 });
    expect(report.operations).toBeGreaterThanOrEqual(10);
    expect(report.findings).toEqual([]);
  });
});

describe('OpenAPI: every operation of notifications documented', () => {
  it('gives each a summary, a described success answer and, unless public, its 401; POST /webhooks its 201 and 403', async () => {
    const doc = await openApiOf(url);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/inbox', '/preferences', '/stream', '/webhooks', '/stats', '/health']),
    );
    expect(undocumentedOperations(doc)).toEqual([]);
    // No Idempotency-Key (the answer carries the secret, shown once), so no 409/422.
    expect(Object.keys(doc.paths['/webhooks']!.post!.responses!).sort()).toEqual(['201', '400', '401', '403', '503']);
  });
});

// Idempotency-Key (ADR 0019) through the same app.
const prefs = (at: string) => ({ mutedTypes: [], digest: { daily: true, at, timezone: 'Europe/Berlin' } });

it('a retried PUT /preferences under one key replays the first 200; another body under it is 422', async () => {
  const token = await tokenFor('patient-alice');
  const [first, again] = await sendTwiceWithKey(url, token, 'PUT', '/preferences', prefs('07:30'));
  expect(first.status).toBe(200);
  expect(again).toEqual({ ...first, replayed: true });
  const key = randomUUID();
  expect((await sendWithKey(url, token, 'PUT', '/preferences', prefs('08:00'), key)).status).toBe(200);
  const reused = await sendWithKey(url, token, 'PUT', '/preferences', prefs('09:00'), key);
  expect(reused.status).toBe(422);
  expect(reused.body.error).toBe('IdempotencyKeyReused');
});
