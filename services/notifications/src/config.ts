import { loadConfig } from '@uhr/platform';
import { z } from 'zod';

const subjectList = z.string().transform((s) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean),
);
const flag = z.enum(['true', 'false']).transform((s) => s === 'true');

/** The notifications service's configuration, validated at boot (fails fast naming the variable at fault). */
export function notificationsConfig(env: NodeJS.ProcessEnv = process.env) {
  return loadConfig({
    service: 'notifications',
    env,
    // Writes nothing on chain (PlatformModule chain: false): no signer key.
    chain: false,
    extra: {
      /** Kafka consumer group; processed-message ids are recorded under it. */
      consumerGroup: z.string().min(1),
      /** A new group starts at the oldest retained event (production) or at the newest (tests, benchmarks). */
      consumeFromBeginning: flag,
      /**
       * Prefix for the consumed topics ("<prefix>.uhr.records.record.v1"). Empty in every deployment; the
       * benchmark sets one so its thousands of synthetic events stay out of the shared topics.
       */
      topicPrefix: z.string().regex(/^([a-z0-9-]+)?$/, 'lowercase letters, digits and -'),
      /** Consumers per process in the group: events are applied in parallel across partitions, in order within one. */
      consumerInstances: z.coerce.number().int().min(1).max(16),
      /** Keycloak subjects that receive break-glass and integrity alerts (the auditors' office). */
      auditorSubjects: subjectList,
      /** Client secret of the uhr-notifications service account, to list the auditor role's members (empty: don't). */
      keycloakClientSecret: z.string(),
      auditorRole: z.string().min(1),
      webhookMaxAttempts: z.coerce.number().int().min(1).max(50),
      webhookBackoffMs: z.coerce.number().int().min(10),
      webhookBackoffCapMs: z.coerce.number().int().min(10),
      webhookTimeoutMs: z.coerce.number().int().min(100),
      /** Keys that encrypt webhook secrets at rest: `kid:<base64 32 bytes>[,…]`, and which kid seals new ones. */
      secretKeys: z.string().min(1),
      secretActiveKid: z.string().min(1),
      /** Let webhooks point at loopback and private networks (development and tests only: SSRF otherwise). */
      webhookAllowPrivate: flag,
      /** How often idle workers (webhook dispatcher, digest scheduler) look for work. */
      workerPollMs: z.coerce.number().int().min(10),
    },
    extraEnv: {
      consumerGroup: 'UHR_NOTIFICATIONS_GROUP',
      consumeFromBeginning: 'UHR_NOTIFICATIONS_FROM_BEGINNING',
      consumerInstances: 'UHR_NOTIFICATIONS_CONSUMERS',
      topicPrefix: 'UHR_NOTIFICATIONS_TOPIC_PREFIX',
      auditorSubjects: 'UHR_NOTIFICATIONS_AUDITOR_SUBJECTS',
      keycloakClientSecret: 'UHR_NOTIFICATIONS_CLIENT_SECRET',
      auditorRole: 'UHR_NOTIFICATIONS_AUDITOR_ROLE',
      webhookMaxAttempts: 'UHR_WEBHOOK_MAX_ATTEMPTS',
      webhookBackoffMs: 'UHR_WEBHOOK_BACKOFF_MS',
      webhookBackoffCapMs: 'UHR_WEBHOOK_BACKOFF_CAP_MS',
      webhookTimeoutMs: 'UHR_WEBHOOK_TIMEOUT_MS',
      webhookAllowPrivate: 'UHR_WEBHOOK_ALLOW_PRIVATE',
      secretKeys: 'UHR_NOTIFICATIONS_SECRET_KEYS',
      secretActiveKid: 'UHR_NOTIFICATIONS_SECRET_KID',
      workerPollMs: 'UHR_NOTIFICATIONS_POLL_MS',
    },
    defaults: {
      port: env.UHR_NOTIFICATIONS_PORT ?? '3004',
      database: 'uhr_notifications',
      consumerGroup: 'notifications',
      consumeFromBeginning: 'true',
      consumerInstances: '1',
      topicPrefix: '',
      auditorSubjects: '',
      auditorRole: 'auditor',
      webhookMaxAttempts: '8',
      webhookBackoffMs: '1000',
      webhookBackoffCapMs: '3600000',
      webhookTimeoutMs: '5000',
      webhookAllowPrivate: 'false',
      secretActiveKid: 'dev1',
      workerPollMs: '1000',
    },
    // Only with UHR_STACK=local; a deployment injects each (the client secret may be set empty: no lookup).
    localSecrets: {
      // infra/keycloak/uhr-realm.json's development secret.
      keycloakClientSecret: 'uhr-notifications-dev-secret',
      // A development key (sha256 of a fixed phrase); a deployment's comes from a KMS.
      secretKeys: 'dev1:PF/iDKGaOjOEsgOixpzfXZ15Ie6wNb1WWybkD207wlE=',
    },
  });
}
export type NotificationsConfig = ReturnType<typeof notificationsConfig>;
