import { z } from 'zod';

/**
 * Endpoints every service shares. Each service extends this schema with its own keys; the whole object is
 * validated once at boot so a missing or malformed variable stops the process with a readable message.
 */
export const platformConfigSchema = z.object({
  serviceName: z.string().min(1),
  port: z.coerce.number().int().min(0).max(65535),
  pgUrl: z.string().url(),
  database: z.string().regex(/^[a-z_][a-z0-9_]*$/, 'lowercase letters, digits and _'),
  kafkaBrokers: z
    .string()
    .min(1)
    .transform((s) =>
      s
        .split(',')
        .map((b) => b.trim())
        .filter(Boolean),
    ),
  keycloakUrl: z.string().url(),
  /** The issuer's base as users reach Keycloak, when services reach it by another name (compose, k8s). */
  keycloakPublicUrl: z.string().url().optional(),
  keycloakRealm: z.string().min(1),
  keycloakAudience: z.string().min(1),
  chainRpcUrl: z.string().url(),
  deploymentsFile: z.string().min(1),
  chainSignerKey: z.string().regex(/^0x[0-9a-fA-F]{64}$/, 'a 0x-prefixed 32-byte hex private key'),
  /** Chain writes signed and in flight at once per signer (ADR 0008). */
  chainMaxInFlight: z.coerce.number().int().min(1).max(4096).default(256),
  /** Blocks on top of a transaction's block before its job settles: 0 on QBFT (immediate finality) and anvil. */
  chainConfirmations: z.coerce.number().int().min(0).max(1000).default(0),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
});
export type PlatformConfig = z.infer<typeof platformConfigSchema>;

export class ConfigError extends Error {
  constructor(service: string, issues: string[]) {
    super(`${service}: invalid configuration\n  - ${issues.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

/** Maps config keys to environment variable names, so the error names what the operator must set. */
export const platformEnv: Record<keyof PlatformConfig, string> = {
  serviceName: 'UHR_SERVICE_NAME',
  port: 'PORT',
  pgUrl: 'UHR_PG_URL',
  database: 'UHR_DATABASE',
  kafkaBrokers: 'UHR_KAFKA_BROKERS',
  keycloakUrl: 'UHR_KEYCLOAK_URL',
  keycloakPublicUrl: 'UHR_KEYCLOAK_PUBLIC_URL',
  keycloakRealm: 'UHR_KEYCLOAK_REALM',
  keycloakAudience: 'UHR_KEYCLOAK_AUDIENCE',
  chainRpcUrl: 'UHR_CHAIN_RPC_URL',
  deploymentsFile: 'UHR_DEPLOYMENTS_FILE',
  chainSignerKey: 'UHR_CHAIN_SIGNER_KEY',
  chainMaxInFlight: 'UHR_CHAIN_MAX_IN_FLIGHT',
  chainConfirmations: 'UHR_CHAIN_CONFIRMATIONS',
  logLevel: 'LOG_LEVEL',
};

type Shape = z.ZodRawShape;

/**
 * Reads `env` through the platform schema extended by `extra`. `envNames` maps the extra keys to variables;
 * `defaults` supplies development defaults (never secrets in production: the deployment sets them).
 */
export function loadConfig<E extends Shape>(opts: {
  service: string;
  extra?: E;
  extraEnv?: Record<keyof E, string>;
  defaults?: Partial<Record<string, string>>;
  env?: NodeJS.ProcessEnv;
}): PlatformConfig & z.infer<z.ZodObject<E>> {
  const env = opts.env ?? process.env;
  const names: Record<string, string> = { ...platformEnv, ...(opts.extraEnv ?? {}) };
  const raw: Record<string, string | undefined> = {};
  for (const [key, name] of Object.entries(names)) raw[key] = env[name] ?? opts.defaults?.[key];
  raw.serviceName ??= opts.service;
  const schema = platformConfigSchema.extend(opts.extra ?? ({} as E));
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => {
      const key = String(i.path[0]);
      return `${names[key] ?? key}: ${raw[key] === undefined ? 'is not set' : i.message}`;
    });
    throw new ConfigError(opts.service, issues);
  }
  return parsed.data as PlatformConfig & z.infer<z.ZodObject<E>>;
}

/** Development defaults matching scripts/stack.sh, so `node dist/main.js` works after `stack.sh up`. */
export const localDefaults = {
  pgUrl: 'postgres://uhr:uhr-dev-password@127.0.0.1:55432/postgres',
  kafkaBrokers: '127.0.0.1:59092',
  keycloakUrl: 'http://127.0.0.1:58080',
  keycloakRealm: 'uhr',
  keycloakAudience: 'uhr',
  chainRpcUrl: 'http://127.0.0.1:58545',
  deploymentsFile: '.uhr/deployments.json',
  logLevel: 'info',
};
