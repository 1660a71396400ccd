import { loadConfig } from '@uhr/platform';
import { z } from 'zod';

/** The records service's configuration, validated at boot (fails fast naming the variable at fault). */
export function recordsConfig(env: NodeJS.ProcessEnv = process.env) {
  return loadConfig({
    service: 'records',
    env,
    extra: {
      s3Endpoint: z.string().url(),
      s3AccessKey: z.string().min(1),
      s3SecretKey: z.string().min(1),
      bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{2,62}$/, 'an S3 bucket name'),
      kekRing: z.string().min(1),
      kekActive: z.string().min(1),
      auditAnchorIntervalMs: z.coerce.number().int().min(100),
      readRequestMaxTtlSeconds: z.coerce.number().int().min(5).max(3600),
      batchIntervalMs: z.coerce.number().int().min(10).max(60_000),
      batchMaxLeaves: z.coerce.number().int().min(1).max(65_536),
      orphanSweepMs: z.coerce.number().int().min(1000),
      orphanMinAgeMs: z.coerce.number().int().min(0),
    },
    extraEnv: {
      s3Endpoint: 'UHR_S3_ENDPOINT',
      s3AccessKey: 'UHR_S3_ACCESS_KEY',
      s3SecretKey: 'UHR_S3_SECRET_KEY',
      bucket: 'UHR_RECORDS_BUCKET',
      kekRing: 'UHR_RECORDS_KEK_RING',
      kekActive: 'UHR_RECORDS_KEK_ACTIVE',
      auditAnchorIntervalMs: 'UHR_AUDIT_ANCHOR_INTERVAL_MS',
      readRequestMaxTtlSeconds: 'UHR_READ_REQUEST_MAX_TTL_S',
      batchIntervalMs: 'UHR_RECORDS_BATCH_INTERVAL_MS',
      batchMaxLeaves: 'UHR_RECORDS_BATCH_MAX_LEAVES',
      orphanSweepMs: 'UHR_RECORDS_ORPHAN_SWEEP_MS',
      orphanMinAgeMs: 'UHR_RECORDS_ORPHAN_MIN_AGE_MS',
    },
    defaults: {
      port: env.UHR_RECORDS_PORT ?? '3003',
      database: 'uhr_records',
      s3Endpoint: 'http://127.0.0.1:59000',
      bucket: 'uhr-records',
      kekActive: 'dev-1',
      auditAnchorIntervalMs: '2000',
      readRequestMaxTtlSeconds: '300',
      batchIntervalMs: '250',
      batchMaxLeaves: '4096',
      // A pack no committed record references (its upload's commit failed after a lost connection) is removed
      // once it is older than any upload still in flight could be.
      orphanSweepMs: '600000',
      orphanMinAgeMs: '900000',
    },
    // Only with UHR_STACK=local; a deployment injects each from its secret store or the boot fails.
    localSecrets: {
      // anvil's account 3: RELAYER (Relationships), GATEKEEPER (Consent), ANCHORER (Anchors) in a local deployment.
      chainSignerKey: '0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6',
      s3AccessKey: 'uhr-dev-access',
      s3SecretKey: 'uhr-dev-secret-key-change-me',
      // The KEK ring in KeyRing.fromConfig format.
      kekRing: 'dev-1:dWhyLWRldi1yZWNvcmRzLWtlay0zMi1ieXRlcy0hISE=',
    },
  });
}
export type RecordsConfig = ReturnType<typeof recordsConfig>;
