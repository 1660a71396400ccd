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
      // anvil's account 9: ANCHORER (Anchors) in a local deployment (7 and 8 are test harness keys).
      chainSignerKey: '0x2a871d0798f97d79848a013d4936a73bf4cc922c825d33c1cf7073dff6d409c6',
    },
  });
}
export type BillingConfig = ReturnType<typeof billingConfig>;
