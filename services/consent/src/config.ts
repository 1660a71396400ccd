import { loadConfig } from '@uhr/platform';
import { z } from 'zod';

/** The consent service's configuration, validated at boot (fails fast naming the variable at fault). */
export function consentConfig(env: NodeJS.ProcessEnv = process.env) {
  return loadConfig({
    service: 'consent',
    env,
    extra: { expirySweepMs: z.coerce.number().int().min(100) },
    extraEnv: { expirySweepMs: 'UHR_CONSENT_EXPIRY_SWEEP_MS' },
    defaults: { port: env.UHR_CONSENT_PORT ?? '3002', database: 'uhr_consent', expirySweepMs: '1000' },
    // Only with UHR_STACK=local; a deployment sets its own signer or the boot fails.
    localSecrets: {
      // anvil's account 2: RELAYER on Consent and Relationships in a local deployment.
      chainSignerKey: '0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a',
    },
  });
}
export type ConsentConfig = ReturnType<typeof consentConfig>;
