import { loadConfig } from '@uhr/platform';
import { z } from 'zod';
import { DEFAULT_ISCHEMIA_HOURS } from './donation/domain/ischemia.js';

const hours = z.number().positive().max(200);
const ischemiaLimitsSchema = z.strictObject({
  heart: hours,
  lung: hours,
  liver: hours,
  pancreas: hours,
  intestine: hours,
  kidney: hours,
});

/** The organ registry's configuration, validated at boot (fails fast naming the variable at fault). */
export function organRegistryConfig(env: NodeJS.ProcessEnv = process.env) {
  return loadConfig({
    service: 'organ-registry',
    env,
    extra: {
      s3Endpoint: z.string().url(),
      s3AccessKey: z.string().min(1),
      s3SecretKey: z.string().min(1),
      bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{2,62}$/, 'an S3 bucket name'),
      kekRing: z.string().min(1),
      kekActive: z.string().min(1),
      anchorIntervalMs: z.coerce.number().int().min(100).max(60_000),
      /** More distinct donors, organs or candidates than this read by one user in the window raises an alert. */
      bulkLookupThreshold: z.coerce.number().int().min(2).max(100_000),
      bulkLookupWindowSeconds: z.coerce.number().int().min(10).max(86_400),
      /** How long a centre has to answer an offer (OPTN: one hour). */
      offerResponseSeconds: z.coerce.number().int().min(10).max(86_400),
      offerSweepMs: z.coerce.number().int().min(100).max(60_000),
      /** Cold-ischemia maxima in hours per organ type, as JSON. */
      ischemiaMaxHours: z.string().transform((s, ctx) => {
        try {
          return ischemiaLimitsSchema.parse(JSON.parse(s));
        } catch {
          ctx.addIssue({ code: 'custom', message: 'JSON hours per organ type, e.g. {"heart":6,...,"kidney":36}' });
          return z.NEVER;
        }
      }),
      ischemiaWarnFraction: z.coerce.number().min(0.1).max(0.99),
    },
    extraEnv: {
      s3Endpoint: 'UHR_S3_ENDPOINT',
      s3AccessKey: 'UHR_S3_ACCESS_KEY',
      s3SecretKey: 'UHR_S3_SECRET_KEY',
      bucket: 'UHR_ORGAN_REGISTRY_BUCKET',
      kekRing: 'UHR_ORGAN_REGISTRY_KEK_RING',
      kekActive: 'UHR_ORGAN_REGISTRY_KEK_ACTIVE',
      anchorIntervalMs: 'UHR_ORGAN_REGISTRY_ANCHOR_INTERVAL_MS',
      bulkLookupThreshold: 'UHR_ORGAN_REGISTRY_BULK_LOOKUP_THRESHOLD',
      bulkLookupWindowSeconds: 'UHR_ORGAN_REGISTRY_BULK_LOOKUP_WINDOW_S',
      offerResponseSeconds: 'UHR_ORGAN_REGISTRY_OFFER_RESPONSE_S',
      offerSweepMs: 'UHR_ORGAN_REGISTRY_OFFER_SWEEP_MS',
      ischemiaMaxHours: 'UHR_ORGAN_REGISTRY_ISCHEMIA_MAX_HOURS',
      ischemiaWarnFraction: 'UHR_ORGAN_REGISTRY_ISCHEMIA_WARN_FRACTION',
    },
    defaults: {
      port: env.UHR_ORGAN_REGISTRY_PORT ?? '3006',
      database: 'uhr_organ_registry',
      s3Endpoint: 'http://127.0.0.1:59000',
      bucket: 'uhr-organ-registry',
      kekActive: 'dev-1',
      anchorIntervalMs: '1000',
      bulkLookupThreshold: '50',
      bulkLookupWindowSeconds: '600',
      offerResponseSeconds: '3600',
      offerSweepMs: '1000',
      ischemiaMaxHours: JSON.stringify(DEFAULT_ISCHEMIA_HOURS),
      ischemiaWarnFraction: '0.75',
    },
    // Only with UHR_STACK=local; a deployment injects each from its secret store or the boot fails.
    localSecrets: {
      // anvil's account 6: ANCHORER on Anchors in a local deployment (scripts/stack.sh).
      chainSignerKey: '0x92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e',
      s3AccessKey: 'uhr-dev-access',
      s3SecretKey: 'uhr-dev-secret-key-change-me',
      // The KEK ring in KeyRing.fromConfig format (32 bytes, base64).
      kekRing: 'dev-1:dWhyLWRldi1vcmdhbi1yZWdpc3RyeS1rZWstMzIhISE=',
    },
  });
}
export type OrganRegistryConfig = ReturnType<typeof organRegistryConfig>;
