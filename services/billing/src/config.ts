import { loadConfig } from '@uhr/platform';
import { z } from 'zod';

/** The billing service's configuration, validated at boot (fails fast naming the variable at fault). */
export function billingConfig(env: NodeJS.ProcessEnv = process.env) {
  return loadConfig({
    service: 'billing',
    env,
    extra: {
      anchorIntervalMs: z.coerce.number().int().min(50).max(60_000),
      /** Largest import file (bytes, before base64). */
      importMaxBytes: z.coerce
        .number()
        .int()
        .min(1024)
        .max(64 * 1024 * 1024),
    },
    extraEnv: { anchorIntervalMs: 'UHR_BILLING_ANCHOR_INTERVAL_MS', importMaxBytes: 'UHR_BILLING_IMPORT_MAX_BYTES' },
    defaults: {
      port: env.UHR_BILLING_PORT ?? '3007',
      database: 'uhr_billing',
      anchorIntervalMs: '500',
      importMaxBytes: String(32 * 1024 * 1024),
    },
    // Only with UHR_STACK=local; a deployment injects it from its secret store or the boot fails.
    localSecrets: {
      // anvil's account 7: ANCHORER (Anchors) in a local deployment.
      chainSignerKey: '0x4bbbf85ce3377467afe5d46f804f221813b2bb87f24d81f60f1fcdbf7cbf4356',
    },
  });
}
export type BillingConfig = ReturnType<typeof billingConfig>;
