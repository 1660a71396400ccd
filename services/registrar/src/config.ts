import { loadConfig } from '@uhr/platform';
import { z } from 'zod';

/** The registrar's configuration, validated at boot (fails fast naming the variable at fault). */
export function registrarConfig(env: NodeJS.ProcessEnv = process.env) {
  return loadConfig({
    service: 'registrar',
    env,
    extra: { identityPepper: z.string().min(16, 'at least 16 characters') },
    extraEnv: { identityPepper: 'UHR_IDENTITY_PEPPER' },
    defaults: { port: env.UHR_REGISTRAR_PORT ?? '3001', database: 'uhr_registrar' },
    // Only with UHR_STACK=local; a deployment sets each (a KMS-held signer, its own pepper) or the boot fails.
    localSecrets: {
      // anvil's account 1: holds REGISTRAR_ROLE in a local deployment.
      chainSignerKey: '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d',
      identityPepper: 'uhr-dev-identity-pepper-change-me',
    },
  });
}
export type RegistrarConfig = ReturnType<typeof registrarConfig>;
