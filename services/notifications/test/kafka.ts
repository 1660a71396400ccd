import { randomUUID } from 'node:crypto';
import type { EventEnvelope } from '@uhr/platform';
import { waitFor } from '@uhr/platform/testing';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { CATALOGUE, CONSUMED_TOPICS, prefixed } from '../src/catalogue/domain/catalogue.js';

export const PROBE_TYPE = 'notifications.Probe';

/** Publishes envelopes the way the emitting services do: JSON, key = aggregate id, acks from all replicas. */
export class TestKafka {
  readonly kafka: Kafka;
  private producer: Producer | undefined;

  private readonly topics: string[];

  /** `topicPrefix` must match the service's UHR_NOTIFICATIONS_TOPIC_PREFIX (empty: the shared topics). */
  constructor(
    brokers: string,
    private readonly topicPrefix = '',
  ) {
    this.topics = CONSUMED_TOPICS.map((t) => prefixed(topicPrefix, t));
    process.env.KAFKAJS_NO_PARTITIONER_WARNING ??= '1';
    this.kafka = new Kafka({
      clientId: `notifications-test-${randomUUID().slice(0, 8)}`,
      brokers: brokers.split(','),
      logLevel: logLevel.NOTHING,
    });
  }

  private async connected(): Promise<Producer> {
    if (!this.producer) {
      const p = this.kafka.producer({ allowAutoTopicCreation: false });
      await p.connect();
      this.producer = p;
    }
    return this.producer;
  }

  async publish(...envs: EventEnvelope[]): Promise<void> {
    const byTopic = new Map<string, Array<{ key: string; value: string }>>();
    for (const e of envs) {
      const topic = prefixed(this.topicPrefix, CATALOGUE.get(e.type)?.topic ?? CONSUMED_TOPICS[0]!);
      byTopic.set(topic, [...(byTopic.get(topic) ?? []), { key: e.aggregateId, value: JSON.stringify(e) }]);
    }
    const p = await this.connected();
    await p.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
  }

  async publishRaw(topic: string, value: string, partition?: number): Promise<void> {
    const p = await this.connected();
    await p.send({ topic, acks: -1, messages: [{ key: randomUUID(), value, partition }] });
  }

  /**
   * A group that starts at the newest offsets must be positioned on every partition before a test publishes,
   * or it skips what came first. Sends a probe (a type the catalogue ignores) to each partition of every topic
   * until each has been consumed and its offset committed.
   */
  async warmUp(ds: DataSource, groupId: string, timeoutMs = 45_000): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const meta = await waitFor('consumed topics to exist', async () => {
        const m = await admin.fetchTopicMetadata({ topics: this.topics });
        return m.topics.length === this.topics.length ? m : undefined;
      });
      const pending = new Map<string, string[]>(); // topic:partition → probe ids sent
      for (const t of meta.topics) for (const p of t.partitions) pending.set(`${t.name}:${p.partitionId}`, []);
      const deadline = Date.now() + timeoutMs;
      while (pending.size > 0) {
        if (Date.now() > deadline)
          throw new Error(`consumer never reached partitions ${[...pending.keys()].join(', ')}`);
        for (const [tp, ids] of pending) {
          const [topic, partition] = tp.split(':') as [string, string];
          const id = randomUUID();
          ids.push(id);
          await this.publishRaw(topic, JSON.stringify(probe(id)), Number(partition));
        }
        const roundEnd = Date.now() + 1000;
        while (Date.now() < roundEnd && pending.size > 0) {
          const all = [...pending.values()].flat();
          const seen: Array<{ event_id: string }> = await ds.query(
            'select event_id from skipped_events where event_id = any($1::text[])',
            [all],
          );
          const done = new Set(seen.map((r) => r.event_id));
          for (const [tp, ids] of pending) if (ids.some((i) => done.has(i))) pending.delete(tp);
          await new Promise((r) => setTimeout(r, 100));
        }
      }
      // Processed is not yet committed: wait until Kafka holds an offset for every partition.
      await waitFor(
        'committed offsets on every partition',
        async () => {
          const offsets = await admin.fetchOffsets({ groupId, topics: this.topics });
          return offsets.every((t) => t.partitions.every((p) => Number(p.offset) >= 0));
        },
        { timeoutMs: 20_000, intervalMs: 200 },
      );
    } finally {
      await admin.disconnect();
    }
  }

  /** Removes the prefixed topics a benchmark created (never the shared ones). */
  async deleteTopics(): Promise<void> {
    if (!this.topicPrefix) return;
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      await admin.deleteTopics({ topics: this.topics });
    } finally {
      await admin.disconnect();
    }
  }

  async close(): Promise<void> {
    await this.producer?.disconnect().catch(() => undefined);
  }
}

function probe(id: string): EventEnvelope {
  return {
    id,
    type: PROBE_TYPE,
    version: 1,
    aggregateId: id,
    sequence: 1,
    occurredAt: new Date().toISOString(),
    actor: 'test',
    correlationId: id,
    causationId: id,
    payload: {},
  };
}
