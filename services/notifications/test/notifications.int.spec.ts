import { randomBytes } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { createServiceApp, type EventEnvelope } from '@uhr/platform';
import { dropTestDatabase, loadStackEnv, tokenFor, waitFor } from '@uhr/platform/testing';
import { DataSource } from 'typeorm';
import { notificationsConfig, type NotificationsConfig } from '../src/config.js';
import { NotificationsConsumer } from '../src/delivery/notifications.consumer.js';
import { InboxRepository } from '../src/inbox/inbox.repository.js';
import { NotificationsModule } from '../src/notifications.module.js';
import { SendDigestsUseCase } from '../src/preferences/use-cases/send-digests/send-digests.use-case.js';
import { verify } from '../src/webhooks/domain/signature.js';
import { events } from './builders.js';
import { TestKafka } from './kafka.js';
import { SseClient } from './sse-client.js';
import { WebhookReceiver } from './webhook-receiver.js';

const env = loadStackEnv();
const runId = randomBytes(4).toString('hex');
const database = `uhr_notifications_test_${runId}`;
const groupId = `notifications-test-${runId}`;

const USERS = [
  'patient-alice',
  'patient-bob',
  'provider-hospital',
  'provider-clinic',
  'auditor-1',
  'admin-1',
  'norole-1',
] as const;
type User = (typeof USERS)[number];
const token: Record<string, string> = {};
const sub: Record<string, string> = {};
// Other engineers' tests publish real events about the realm's users to the same topics, and this consumer
// reads them too: assertions look only at this run's events, and exact counts use norole-1, whom no service
// addresses.
const subjectOf = (jwt: string): string =>
  (JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()) as { sub: string }).sub;

let app: INestApplication;
let config: NotificationsConfig;
let base: string;
let ds: DataSource;
let kafka: TestKafka;
const receiver = new WebhookReceiver();

async function api(
  user: User | null,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: any }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(user ? { authorization: `Bearer ${token[user]}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

/** Inbox rows of one event, recipient → count: the exactly-once ledger. */
async function rowsOf(eventId: string): Promise<Record<string, number>> {
  const rows: Array<{ recipient: string; n: number }> = await ds.query(
    'select recipient, count(*)::int as n from inbox where event_id = $1 group by recipient',
    [eventId],
  );
  return Object.fromEntries(rows.map((r) => [r.recipient, r.n]));
}

/** Waits until the consumer has taken each event (a row or a recorded skip). */
async function settled(...envs: EventEnvelope[]): Promise<void> {
  const ids = envs.map((e) => e.id);
  await waitFor(
    `${ids.length} event(s) to be consumed`,
    async () => {
      const rows: Array<{ n: number }> = await ds.query(
        'select count(*)::int as n from uhr_processed_messages where consumer = $1 and message_id = any($2::uuid[])',
        [groupId, ids],
      );
      return rows[0]!.n === ids.length;
    },
    { timeoutMs: 30_000 },
  );
}

beforeAll(async () => {
  for (const u of USERS) {
    token[u] = await tokenFor(u);
    sub[u] = subjectOf(token[u]);
  }
  await receiver.start();
  config = notificationsConfig({
    ...process.env,
    PORT: '0',
    UHR_DATABASE: database,
    UHR_NOTIFICATIONS_GROUP: groupId,
    UHR_NOTIFICATIONS_FROM_BEGINNING: 'false',
    UHR_NOTIFICATIONS_AUDITOR_SUBJECTS: sub['auditor-1'],
    UHR_WEBHOOK_MAX_ATTEMPTS: '3',
    UHR_WEBHOOK_BACKOFF_MS: '50',
    UHR_NOTIFICATIONS_POLL_MS: '100',
    // The test's receiver listens on 127.0.0.1; production refuses private targets (SSRF).
    UHR_WEBHOOK_ALLOW_PRIVATE: 'true',
    LOG_LEVEL: 'warn',
  });
  app = await createServiceApp(NotificationsModule.forRoot(config), config);
  await app.listen(0, '127.0.0.1');
  base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  ds = app.get(DataSource);
  kafka = new TestKafka(env.UHR_KAFKA_BROKERS!);
  await kafka.warmUp(ds, groupId);
}, 90_000);

afterAll(async () => {
  await app?.close();
  await kafka?.close();
  await receiver.stop();
  await dropTestDatabase(database);
});

describe('every event type reaches the right recipients, once', () => {
  it('resolves patient, provider, grantee and auditors for each type, ignores the rest, survives redelivery', async () => {
    const alice = sub['patient-alice']!;
    const hospital = sub['provider-hospital']!;
    const clinic = sub['provider-clinic']!;
    const auditor = sub['auditor-1']!;
    const cases: Array<[EventEnvelope, string[]]> = [
      [events.recordAdded(alice, hospital).build(), [alice]],
      [events.recordAccepted(alice, hospital).build(), [hospital]],
      [events.recordRejected(alice, hospital).build(), [hospital]],
      [events.accessRequested(alice, clinic).build(), [alice]],
      [events.grantIssued(alice, clinic).build(), [clinic]],
      [events.grantRevoked(alice, clinic).build(), [clinic]],
      [events.grantExpired(alice, clinic).build(), [clinic, alice]],
      [events.recordRead(alice, clinic).build(), [alice]],
      [events.recordRead(alice, alice).build(), []],
      [events.breakGlassUsed(alice, hospital).build(), [alice, auditor]],
      [events.integrityViolation(alice).build(), [alice, auditor]],
      [events.identityRebound(alice).build(), [alice]],
      [events.identityRebound(null).build(), []],
    ];
    const unknown = { ...events.recordAdded(alice, hospital).build(), type: 'pharmacy.NeverHeardOf' };
    const badPayload = events.recordAdded(alice, hospital).withPayload({ recordId: 'r-1' }).build();
    const all = [...cases.map(([e]) => e), unknown, badPayload];
    await kafka.publish(...all);
    await kafka.publishRaw('uhr.records.record.v1', '{not json');
    await settled(...all);

    for (const [e, expected] of cases) {
      expect({ type: e.type, rows: await rowsOf(e.id) }).toEqual({
        type: e.type,
        rows: Object.fromEntries(expected.map((s) => [s, 1])),
      });
    }
    const skips: Array<{ event_id: string; reason: string }> = await ds.query(
      'select event_id, reason from skipped_events where event_id = any($1::text[])',
      [[unknown.id, badPayload.id]],
    );
    expect(Object.fromEntries(skips.map((s) => [s.event_id, s.reason]))).toEqual({
      [unknown.id]: 'unknown-type',
      [badPayload.id]: 'invalid-payload',
    });
    const [kept] = await ds.query('select envelope from skipped_events where event_id = $1', [badPayload.id]);
    expect(kept.envelope).toEqual(badPayload);
    await waitFor('the malformed message in the dead letters', async () => {
      const dead: unknown[] = await ds.query('select 1 from uhr_dead_letters where consumer = $1 and raw = $2', [
        groupId,
        '{not json',
      ]);
      return dead.length === 1;
    });

    // The auditor sees the safety alerts as alerts, through the API, in their own inbox.
    const auditorInbox = await api('auditor-1', 'GET', '/inbox?limit=100');
    expect(auditorInbox.status).toBe(200);
    const ours = new Set(cases.map(([e]) => e.id));
    const auditorItems = auditorInbox.body.items.filter((i: { eventId: string }) => ours.has(i.eventId));
    expect(auditorItems.map((i: { type: string; severity: string }) => `${i.type}/${i.severity}`).sort()).toEqual([
      'consent.BreakGlassUsed/alert',
      'records.IntegrityViolationDetected/alert',
    ]);

    // Redelivery: the same envelopes again (a relay re-send). Nothing new appears.
    const consumer = app.get(NotificationsConsumer);
    const skippedBefore = consumer.main.skipped;
    await kafka.publish(...cases.map(([e]) => e));
    await waitFor('duplicates to be consumed and skipped', () => consumer.main.skipped >= skippedBefore + cases.length);
    for (const [e, expected] of cases) {
      expect(await rowsOf(e.id)).toEqual(Object.fromEntries(expected.map((s) => [s, 1])));
    }
  });

  it('lets the stats be read by auditors and admins only', async () => {
    const stats = await api('auditor-1', 'GET', '/stats');
    expect(stats.status).toBe(200);
    expect(stats.body.skippedEvents['unknown-type']).toBeGreaterThan(0);
    expect((await api('patient-alice', 'GET', '/stats')).status).toBe(403);
  });
});

describe('a user sees only their own inbox', () => {
  // Three notifications for carol (norole-1), oldest first.
  let carolEvents: EventEnvelope[];
  let carolItems: Array<{ id: string; eventId: string; readAt: string | null }>;

  beforeAll(async () => {
    carolEvents = [0, 1, 2].map(() => events.accessRequested(sub['norole-1']!, sub['provider-clinic']!).build());
    for (const e of carolEvents) {
      // One after the other: the inbox order is the order rows were written.
      await kafka.publish(e);
      await settled(e);
    }
    carolItems = (await api('norole-1', 'GET', '/inbox?limit=100')).body.items;
  });

  it('lists, counts and pages newest first', async () => {
    expect(carolItems.map((i) => i.eventId)).toEqual(carolEvents.map((e) => e.id).reverse());
    const first = await api('norole-1', 'GET', '/inbox?limit=2');
    expect(first.status).toBe(200);
    expect(first.body.items.map((i: { id: string }) => i.id)).toEqual([carolItems[0]!.id, carolItems[1]!.id]);
    const second = await api('norole-1', 'GET', `/inbox?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body).toEqual({ items: [expect.objectContaining({ id: carolItems[2]!.id })], nextCursor: null });
    expect((await api('norole-1', 'GET', '/inbox/unread-count')).body).toEqual({ unread: 3 });
  });

  it("answers 404 when another user marks someone else's item read, and leaves it unread", async () => {
    const target = carolItems[0]!.id;
    expect((await api('patient-bob', 'POST', `/inbox/${target}/read`)).status).toBe(404);
    const bobInbox = await api('patient-bob', 'GET', '/inbox?limit=100');
    const carolIds = new Set(carolItems.map((i) => i.id));
    expect(bobInbox.body.items.filter((i: { id: string }) => carolIds.has(i.id))).toEqual([]);
    await api('patient-bob', 'POST', '/inbox/read-all');
    expect((await api('norole-1', 'GET', '/inbox/unread-count')).body).toEqual({ unread: 3 });
  });

  it('marks read and read-all for the owner', async () => {
    const read = await api('norole-1', 'POST', `/inbox/${carolItems[0]!.id}/read`);
    expect(read.status).toBe(200);
    expect(read.body.readAt).not.toBeNull();
    expect((await api('norole-1', 'GET', '/inbox/unread-count')).body).toEqual({ unread: 2 });
    expect((await api('norole-1', 'POST', '/inbox/read-all')).body).toEqual({ marked: 2 });
    expect((await api('norole-1', 'GET', '/inbox/unread-count')).body).toEqual({ unread: 0 });
  });

  it('refuses without a token, and bad input with 400 naming the field', async () => {
    expect((await api(null, 'GET', '/inbox')).status).toBe(401);
    expect((await api(null, 'GET', '/preferences')).status).toBe(401);
    const bad = await api('patient-alice', 'GET', '/inbox?limit=1000');
    expect(bad.status).toBe(400);
    expect(bad.body.fields).toHaveProperty('limit');
    expect((await api('patient-alice', 'GET', '/inbox?cursor=forged')).status).toBe(400);
    expect((await api('patient-alice', 'POST', '/inbox/not-a-uuid/read')).status).toBe(400);
  });
});

describe('live push (SSE)', () => {
  it('delivers a new notification to the signed-in user within 1 s, and to nobody else', async () => {
    const alice = new SseClient();
    const bob = new SseClient();
    try {
      expect(await alice.open(`${base}/stream`, token['patient-alice']!)).toBe(200);
      expect(await bob.open(`${base}/stream`, token['patient-bob']!)).toBe(200);
      await waitFor('both streams ready', () => alice.ofType('ready').length === 1 && bob.ofType('ready').length === 1);
      const delays: number[] = [];
      for (let i = 0; i < 5; i++) {
        const e = events.recordAdded(sub['patient-alice']!, sub['provider-hospital']!).build();
        const t0 = Date.now();
        await kafka.publish(e);
        const got = await waitFor('the push', () =>
          alice.ofType('notification').find((x) => (x.data as { eventId: string }).eventId === e.id),
        );
        delays.push(got.at - t0);
      }
      console.info(`SSE push delays (publish → event received), ms: ${delays.join(', ')}`);
      expect(Math.max(...delays)).toBeLessThan(1000);
      const aliceEventIds = new Set(alice.ofType('notification').map((x) => (x.data as { eventId: string }).eventId));
      expect(
        bob.ofType('notification').filter((x) => aliceEventIds.has((x.data as { eventId: string }).eventId)),
      ).toEqual([]);
    } finally {
      await alice.close();
      await bob.close();
    }
  });

  it('replays what a reconnecting client missed (Last-Event-ID), only from its own inbox', async () => {
    const first = events.recordAdded(sub['patient-alice']!, sub['provider-hospital']!).build();
    await kafka.publish(first);
    await settled(first);
    const [seen] = await ds.query('select id from inbox where event_id = $1', [first.id]);
    const missed = [1, 2].map(() => events.recordAdded(sub['patient-alice']!, sub['provider-hospital']!).build());
    await kafka.publish(...missed);
    await settled(...missed);
    const alice = new SseClient();
    const bob = new SseClient();
    try {
      await alice.open(`${base}/stream`, token['patient-alice']!, seen.id);
      await bob.open(`${base}/stream`, token['patient-bob']!, seen.id);
      await waitFor('both streams ready', () => alice.ofType('ready').length === 1 && bob.ofType('ready').length === 1);
      // Two aggregates, two partitions: their relative order is not defined, only that both arrive once.
      const ours = new Set([first.id, ...missed.map((m) => m.id)]);
      const eventIdsOf = (c: SseClient) =>
        c
          .ofType('notification')
          .map((e) => (e.data as { eventId: string }).eventId)
          .filter((id) => ours.has(id));
      expect(eventIdsOf(alice).sort()).toEqual(missed.map((m) => m.id).sort());
      expect(eventIdsOf(bob)).toEqual([]);
    } finally {
      await alice.close();
      await bob.close();
    }
  });

  it('refuses a stream without a valid token', async () => {
    const anon = new SseClient();
    expect(await anon.open(`${base}/stream`, null)).toBe(401);
    expect(await anon.open(`${base}/stream`, 'forged.token.value')).toBe(401);
  });
});

describe('preferences', () => {
  const quietNow = () => {
    const h = new Date().getUTCHours();
    const pad = (n: number) => String((n + 24) % 24).padStart(2, '0');
    return { start: `${pad(h - 1)}:00`, end: `${pad(h + 1)}:00`, timezone: 'UTC' };
  };
  const noDigest = { daily: false, at: '08:00', timezone: 'UTC' };

  it('are per user: defaults until set, and another user never sees them', async () => {
    const put = await api('patient-alice', 'PUT', '/preferences', {
      mutedTypes: ['records.RecordRead'],
      quietHours: null,
      digest: noDigest,
    });
    expect(put.status).toBe(200);
    expect((await api('patient-alice', 'GET', '/preferences')).body.mutedTypes).toEqual(['records.RecordRead']);
    expect((await api('patient-bob', 'GET', '/preferences')).body.mutedTypes).toEqual([]);
  });

  it('refuses to mute a safety alert, and malformed preferences, with 400 naming the field', async () => {
    const safety = await api('patient-alice', 'PUT', '/preferences', {
      mutedTypes: ['consent.BreakGlassUsed'],
      digest: noDigest,
    });
    expect(safety.status).toBe(400);
    expect(safety.body.fields.mutedTypes.join()).toMatch(/safety alerts and cannot be muted/);
    const bad = await api('patient-alice', 'PUT', '/preferences', {
      mutedTypes: ['nope'],
      quietHours: { start: '25:00', end: '07:00', timezone: 'Mars/Olympus' },
      digest: { daily: 'yes', at: '8', timezone: 'UTC' },
      extra: 1,
    });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.fields).sort()).toEqual(
      ['digest.at', 'digest.daily', 'extra', 'mutedTypes', 'quietHours.start', 'quietHours.timezone'].sort(),
    );
  });

  it('drops a muted type but never a safety alert, even if the database says it is muted', async () => {
    const alice = sub['patient-alice']!;
    await ds.query(
      `update preferences set muted_types = muted_types || '{consent.BreakGlassUsed}' where subject = $1`,
      [alice],
    );
    const read = events.recordRead(alice, sub['provider-clinic']!).build();
    const glass = events.breakGlassUsed(alice, sub['provider-hospital']!).build();
    await kafka.publish(read, glass);
    await settled(read, glass);
    expect(await rowsOf(read.id)).toEqual({});
    const muted: unknown[] = await ds.query(`select 1 from skipped_events where event_id = $1 and reason = 'muted'`, [
      read.id,
    ]);
    expect(muted).toHaveLength(1);
    expect(await rowsOf(glass.id)).toEqual({ [alice]: 1, [sub['auditor-1']!]: 1 });
  });

  it('keeps quiet-hour and digest items in the inbox without pushing them; the digest summarises them once', async () => {
    const carol = sub['norole-1']!;
    await api('norole-1', 'PUT', '/preferences', { mutedTypes: [], quietHours: quietNow(), digest: noDigest });
    const quiet = events.recordAdded(carol, sub['provider-hospital']!).build();
    await kafka.publish(quiet);
    await settled(quiet);
    const [q] = await ds.query('select delivery from inbox where event_id = $1', [quiet.id]);
    expect(q.delivery).toBe('quiet');

    await api('norole-1', 'PUT', '/preferences', {
      mutedTypes: [],
      quietHours: null,
      digest: { daily: true, at: '00:00', timezone: 'UTC' },
    });
    const held = [
      events.recordAdded(carol, sub['provider-hospital']!).build(),
      events.accessRequested(carol, sub['provider-clinic']!).build(),
    ];
    await kafka.publish(...held);
    await settled(...held);
    const deliveries: Array<{ delivery: string }> = await ds.query(
      'select delivery from inbox where event_id = any($1::text[])',
      [held.map((h) => h.id)],
    );
    expect(deliveries.map((d) => d.delivery)).toEqual(['digest', 'digest']);

    const digests = app.get(SendDigestsUseCase);
    await digests.execute();
    await digests.execute();
    const today = new Date().toISOString().slice(0, 10);
    const rows: Array<{ title: string; body: string }> = await ds.query(
      'select title, body from inbox where recipient = $1 and event_id = $2',
      [carol, `digest:${today}`],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]!.title).toBe('Your daily digest: 2 notifications');
    await api('norole-1', 'PUT', '/preferences', { mutedTypes: [], quietHours: null, digest: noDigest });
  });
});

describe('webhooks for organisations', () => {
  it('are registered by providers and admins only, with validated input', async () => {
    expect((await api('patient-alice', 'POST', '/webhooks', { url: 'http://127.0.0.1:1/x' })).status).toBe(403);
    expect((await api('norole-1', 'GET', '/webhooks')).status).toBe(403);
    const bad = await api('provider-hospital', 'POST', '/webhooks', { url: 'ftp://x', eventTypes: ['nope'] });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.fields).sort()).toEqual(['eventTypes', 'url']);
    const other = await api('provider-hospital', 'POST', '/webhooks', {
      url: 'http://127.0.0.1:1/x',
      ownerSubject: sub['provider-clinic'],
    });
    expect(other.status).toBe(403);
  });

  it('refuse targets inside the network (SSRF), at registration and again at send time', async () => {
    const url = receiver.plan('/inside', {});
    const hook = await api('provider-hospital', 'POST', '/webhooks', { url, eventTypes: ['consent.GrantRevoked'] });
    expect(hook.status).toBe(201);
    config.webhookAllowPrivate = false; // as in production
    try {
      for (const target of [
        url,
        'http://169.254.169.254/latest/meta-data',
        'http://localhost:9000/x',
        'http://[::1]/x',
      ]) {
        const r = await api('provider-hospital', 'POST', '/webhooks', { url: target });
        expect({ target, status: r.status }).toEqual({ target, status: 400 });
        expect(r.body.fields.url.join()).toMatch(/not a public address/);
      }
      const e = events.grantRevoked(sub['patient-alice']!, sub['provider-hospital']!).build();
      await kafka.publish(e);
      const dead = await waitFor('the delivery to be refused', async () => {
        const r = await api('provider-hospital', 'GET', `/webhooks/${hook.body.id}/deliveries?status=dead`);
        return r.body.find((d: { eventId: string }) => d.eventId === e.id);
      });
      expect(dead.lastError).toMatch(
        /^refused: 127\.0\.0\.1 resolves to|^refused: 127\.0\.0\.1 .*not a public address/,
      );
      expect(receiver.callsTo('/inside')).toEqual([]);
    } finally {
      config.webhookAllowPrivate = true;
    }
  });

  it('sign every attempt, retry with backoff until the receiver answers, and deliver once', async () => {
    const url = receiver.plan('/hospital', { failFirst: 2 });
    const hook = await api('provider-hospital', 'POST', '/webhooks', { url });
    expect(hook.status).toBe(201);
    expect(hook.body.secret).toMatch(/^whsec_/);
    // At rest the secret is sealed; the plaintext appears nowhere in the row.
    const [row] = await ds.query('select * from webhooks where id = $1', [hook.body.id]);
    expect(row.secret).toBeNull();
    expect(JSON.stringify(row)).not.toContain(hook.body.secret);
    const filtered = await api('provider-hospital', 'POST', '/webhooks', {
      url: receiver.plan('/hospital-rejections', {}),
      eventTypes: ['records.RecordRejected'],
    });

    const e = events.recordAccepted(sub['patient-alice']!, sub['provider-hospital']!).build();
    await kafka.publish(e);
    const delivered = await waitFor('the delivery to succeed', async () => {
      const r = await api('provider-hospital', 'GET', `/webhooks/${hook.body.id}/deliveries?status=delivered`);
      return r.body.find((d: { eventId: string }) => d.eventId === e.id);
    });
    expect(delivered.attempts).toBe(3);
    const calls = receiver.callsTo('/hospital').filter((c) => c.headers['x-uhr-delivery'] === delivered.id);
    expect(calls.map((c) => c.answered)).toEqual([500, 500, 200]);
    expect(calls.map((c) => c.headers['x-uhr-attempt'])).toEqual(['1', '2', '3']);
    const now = Math.floor(Date.now() / 1000);
    for (const c of calls) {
      expect(verify(hook.body.secret, String(c.headers['x-uhr-signature']), c.body, now)).toEqual({ ok: true });
      expect(verify('whsec_wrong', String(c.headers['x-uhr-signature']), c.body, now)).toEqual({
        ok: false,
        reason: 'mismatch',
      });
    }
    const body = JSON.parse(calls[2]!.body);
    expect(body).toMatchObject({
      deliveryId: delivered.id,
      event: { id: e.id, type: 'records.RecordAccepted' },
      recipient: { subject: sub['provider-hospital'], role: 'provider' },
    });
    // Redelivering the event makes no second delivery; the filtered hook never saw this type.
    await kafka.publish(e);
    const r = await api('provider-hospital', 'GET', `/webhooks/${hook.body.id}/deliveries`);
    expect(r.body.filter((d: { eventId: string }) => d.eventId === e.id)).toHaveLength(1);
    const aboutE = (c: { body: string }) => (JSON.parse(c.body) as { event: { id: string } }).event.id === e.id;
    expect(receiver.callsTo('/hospital-rejections').filter(aboutE)).toEqual([]);
    const filteredDeliveries = (await api('provider-hospital', 'GET', `/webhooks/${filtered.body.id}/deliveries`)).body;
    expect(filteredDeliveries.every((d: { eventType: string }) => d.eventType === 'records.RecordRejected')).toBe(true);
  });

  it('dead-letter a delivery after the attempt budget; the owner (only) lists and replays it', async () => {
    const url = receiver.plan('/down', { down: true });
    const hook = await api('provider-hospital', 'POST', '/webhooks', { url, eventTypes: ['records.RecordRejected'] });
    const e = events.recordRejected(sub['patient-alice']!, sub['provider-hospital']!).build();
    await kafka.publish(e);
    const dead = await waitFor('the delivery to die', async () => {
      const r = await api('provider-hospital', 'GET', `/webhooks/${hook.body.id}/deliveries?status=dead`);
      return r.body.find((d: { eventId: string }) => d.eventId === e.id);
    });
    expect(dead).toMatchObject({ attempts: 3, lastStatus: 500, lastError: 'receiver answered 500' });
    expect(receiver.callsTo('/down').filter((c) => c.headers['x-uhr-delivery'] === dead.id)).toHaveLength(3);

    // Another organisation: not its webhook, not its delivery. Never 200, never the data.
    expect((await api('provider-clinic', 'GET', `/webhooks/${hook.body.id}/deliveries?status=dead`)).status).toBe(404);
    expect((await api('provider-clinic', 'POST', `/webhooks/deliveries/${dead.id}/replay`)).status).toBe(404);
    expect((await api('provider-clinic', 'DELETE', `/webhooks/${hook.body.id}`)).status).toBe(404);
    expect((await api('provider-clinic', 'GET', '/webhooks')).body).toEqual([]);
    expect((await api('admin-1', 'GET', '/webhooks')).body.map((h: { id: string }) => h.id)).toContain(hook.body.id);
    expect(
      (await api('provider-hospital', 'GET', '/webhooks')).body.every(
        (h: { secret?: string }) => h.secret === undefined,
      ),
    ).toBe(true);

    receiver.setDown('/down', false);
    const replay = await api('provider-hospital', 'POST', `/webhooks/deliveries/${dead.id}/replay`);
    expect(replay.status).toBe(202);
    expect(replay.body).toMatchObject({ status: 'pending', attempts: 0, replays: 1 });
    await waitFor('the replay to be delivered', async () => {
      const r = await api('provider-hospital', 'GET', `/webhooks/${hook.body.id}/deliveries?status=delivered`);
      return r.body.some((d: { id: string }) => d.id === dead.id);
    });
    expect((await api('provider-hospital', 'POST', `/webhooks/deliveries/${dead.id}/replay`)).status).toBe(409);
    expect((await api('provider-hospital', 'DELETE', `/webhooks/${hook.body.id}`)).status).toBe(204);
    expect((await api('provider-hospital', 'GET', `/webhooks/${hook.body.id}/deliveries`)).status).toBe(404);
  });
});

describe('exactly once under redelivery, consumer restarts and rebalances', () => {
  it('writes each (recipient, event) once while consumers join, leave and restart, and envelopes are re-sent', async () => {
    const consumer = app.get(NotificationsConsumer);
    const patients = [0, 1, 2].map(() => `patient-${randomBytes(4).toString('hex')}`);
    const batch = Array.from({ length: 90 }, (_, i) =>
      events.recordAdded(patients[i % 3]!, sub['provider-hospital']!).build(),
    );
    const ids = batch.map((e) => e.id);
    const count = async () =>
      (
        (await ds.query('select count(*)::int as n from inbox where event_id = any($1::text[])', [ids])) as Array<{
          n: number;
        }>
      )[0]!.n;

    // A second instance joins the group: a rebalance while the first third arrives.
    const second = consumer.instance();
    void consumer.startInstance(second);
    await kafka.publish(...batch.slice(0, 30));
    await waitFor('some of the first third', async () => (await count()) > 0, { timeoutMs: 30_000 });

    // The first instance stops (its partitions move), a third joins, and the first third is re-sent.
    await consumer.stopInstance(consumer.main);
    const third = consumer.instance();
    void consumer.startInstance(third);
    await kafka.publish(...batch.slice(30, 60), ...batch.slice(0, 30));

    // The second stops and the first restarts: a restart and another rebalance.
    await waitFor('most of two thirds', async () => (await count()) >= 40, { timeoutMs: 30_000 });
    await consumer.stopInstance(second);
    void consumer.startInstance(consumer.main);
    await kafka.publish(...batch.slice(60));

    await waitFor('all 90 rows', async () => (await count()) === 90, { timeoutMs: 45_000 });
    await waitFor(
      'the re-sent third to be consumed',
      () => second.skipped + third.skipped + consumer.main.skipped >= 30,
      {
        timeoutMs: 30_000,
      },
    );
    const dupes: unknown[] = await ds.query(
      'select recipient, event_id from inbox where event_id = any($1::text[]) group by 1, 2 having count(*) > 1',
      [ids],
    );
    expect(dupes).toEqual([]);
    expect(await count()).toBe(90);
    // The partitions really moved: instances that joined later applied some of the batch.
    expect(second.processed + third.processed).toBeGreaterThan(0);
    await consumer.stopInstance(third);
  });

  it('has the database refuse a second row for the same (recipient, event) as well', async () => {
    const inbox = app.get(InboxRepository);
    const [existing] = await ds.query('select * from inbox limit 1');
    const again = await ds.transaction((m) =>
      inbox.insert(m, [
        {
          id: crypto.randomUUID(),
          recipient: existing.recipient,
          eventId: existing.event_id,
          type: existing.event_type,
          role: existing.recipient_role,
          severity: 'info',
          delivery: 'push',
          title: 't',
          body: 'b',
          data: {},
          occurredAt: new Date().toISOString(),
        },
      ]),
    );
    expect(again).toEqual([]);
    await expect(
      ds.query(
        `insert into inbox (id, recipient, event_id, event_type, recipient_role, severity, delivery, title, body, data, occurred_at)
         values (gen_random_uuid(), $1, $2, 'x', 'x', 'info', 'push', 't', 'b', '{}', now())`,
        [existing.recipient, existing.event_id],
      ),
    ).rejects.toThrow(/inbox_once_per_recipient/);
  });
});
