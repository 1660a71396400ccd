import { loadStackEnv, tokenFor, waitFor } from '@uhr/platform/testing';
import { events } from './builders.js';
import { TestKafka } from './kafka.js';
import { SseClient } from './sse-client.js';

// Through the running service (scripts/stack.sh up): an event published to Kafka reaches the user's live stream
// and inbox over HTTP. norole-1 is a user no other service addresses.
const env = loadStackEnv();
const base = env.UHR_NOTIFICATIONS_URL ?? 'http://127.0.0.1:3004';
const subjectOf = (jwt: string): string =>
  (JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()) as { sub: string }).sub;

describe('notifications (running service)', () => {
  const kafka = new TestKafka(env.UHR_KAFKA_BROKERS!);
  afterAll(() => kafka.close());

  it('pushes a new record to the patient and keeps it in her inbox', async () => {
    const token = await tokenFor('norole-1');
    const provider = subjectOf(await tokenFor('provider-hospital'));
    const stream = new SseClient();
    try {
      expect(await stream.open(`${base}/stream`, token)).toBe(200);
      await waitFor('the stream to be ready', () => stream.ofType('ready').length === 1);
      const e = events.recordAdded(subjectOf(token), provider).build();
      await kafka.publish(e);
      // A service that has just started may still be catching up on the topics' history: a generous deadline.
      await waitFor(
        'the push',
        () => stream.ofType('notification').some((x) => (x.data as { eventId: string }).eventId === e.id),
        {
          timeoutMs: 90_000,
        },
      );
      const inbox = (await (
        await fetch(`${base}/inbox?limit=100`, { headers: { authorization: `Bearer ${token}` } })
      ).json()) as {
        items: Array<{ eventId: string; type: string }>;
      };
      expect(inbox.items.filter((i) => i.eventId === e.id).map((i) => i.type)).toEqual(['records.RecordAdded']);
    } finally {
      await stream.close();
    }
  });
});
