import { Kafka, logLevel, type Admin, type ITopicConfig, type Producer, type SASLOptions } from 'kafkajs';
import type { Logger } from 'pino';

export interface KafkaSaslConfig {
  kafkaSaslMechanism?: 'scram-sha-512' | 'scram-sha-256';
  kafkaUsername?: string;
  kafkaPassword?: string;
}

/** The SASL options for a mechanism with its user and password, or none; a mechanism without both is refused. */
export function saslOf(cfg: KafkaSaslConfig): SASLOptions | undefined {
  const { kafkaSaslMechanism: mechanism, kafkaUsername: username, kafkaPassword: password } = cfg;
  if (!mechanism) return undefined;
  if (!username || !password) {
    throw new Error(`UHR_KAFKA_SASL_MECHANISM=${mechanism} needs UHR_KAFKA_USERNAME and UHR_KAFKA_PASSWORD`);
  }
  return { mechanism, username, password };
}

export function createKafka(clientId: string, brokers: string[], logger: Logger, sasl?: SASLOptions): Kafka {
  // We key every message by aggregate id; the default partitioner's notice is noise.
  process.env.KAFKAJS_NO_PARTITIONER_WARNING ??= '1';
  return new Kafka({
    clientId,
    brokers,
    ...(sasl ? { sasl } : {}),
    connectionTimeout: 3000,
    requestTimeout: 10000,
    retry: { initialRetryTime: 200, retries: 5, maxRetryTime: 5000 },
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ level, log }) => {
        const { message, ...extra } = log;
        if (level <= logLevel.ERROR) logger.error({ kafka: extra }, message);
        else logger.warn({ kafka: extra }, message);
      },
  });
}

/** An idempotent producer: acks from all in-sync replicas, no duplicates on retry, one in flight. */
export function createProducer(kafka: Kafka): Producer {
  return kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
}

export async function ensureTopics(kafka: Kafka, topics: string[], partitions = 3): Promise<void> {
  if (topics.length === 0) return;
  const admin: Admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing: ITopicConfig[] = topics
      .filter((t) => !existing.has(t))
      .map((topic) => ({ topic, numPartitions: partitions, replicationFactor: -1 }));
    // Not kafkajs' waitForLeaders: it retries LEADER_NOT_AVAILABLE only, and a KRaft broker that has not yet
    // heard of the new topic answers UNKNOWN_TOPIC_OR_PARTITION, failing the call (seen on a 3-broker cluster).
    if (missing.length > 0) await admin.createTopics({ topics: missing, waitForLeaders: false });
    await untilLeadersKnown(admin, topics);
  } finally {
    await admin.disconnect();
  }
}

/**
 * Brokers learn a new topic at slightly different moments; returns once the metadata answers with a leader for
 * every partition of every topic, so a caller's next request to any broker finds them.
 */
async function untilLeadersKnown(admin: Admin, topics: string[], timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const { topics: meta } = await admin.fetchTopicMetadata({ topics });
      if (meta.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))) return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
    }
    if (Date.now() > deadline) throw new Error(`no leader known for every partition of ${topics.join(', ')}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
