import { loadConfig, localDefaults } from '@uhr/platform';
import { z } from 'zod';

/** The consent service's configuration, validated at boot (fails fast naming the variable at fault). */
export function consentConfig(env: NodeJS.ProcessEnv = process.env) {
  return loadConfig({
    service: 'consent',
    env,
    extra: { expirySweepMs: z.coerce.number().int().min(100) },
    extraEnv: { expirySweepMs: 'UHR_CONSENT_EXPIRY_SWEEP_MS' },
    defaults: {
      ...localDefaults,
      port: env.UHR_CONSENT_PORT ?? '3002',
      database: 'uhr_consent',
      // anvil's account 2: RELAYER on Consent and Relationships in a local deployment.
      chainSignerKey: '0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a',
      expirySweepMs: '1000',
    },
  });
}
export type ConsentConfig = ReturnType<typeof consentConfig>;
