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
  /** SASL on the broker connection (Strimzi's SCRAM listener, k8s/platform/kafka.yaml); none on the local stack. */
  kafkaSaslMechanism: z.enum(['scram-sha-512', 'scram-sha-256']).optional(),
  kafkaUsername: z.string().min(1).optional(),
  kafkaPassword: z.string().min(1).optional(),
  keycloakUrl: z.string().url(),
  /** The issuer's base as users reach Keycloak, when services reach it by another name (compose, k8s). */
  keycloakPublicUrl: z.string().url().optional(),
  keycloakRealm: z.string().min(1),
  /** The `aud` a token must carry here: the service's own (`uhr-<service>`), so one service's token fails at another. */
  authAudience: z.string().min(1),
  chainRpcUrl: z.string().url(),
  deploymentsFile: z.string().min(1),
  /** Absent only in a service that signs nothing on-chain (`loadConfig({ chain: false })`). */
  chainSignerKey: z
    .string()
    .regex(/^0x[0-9a-fA-F]{64}$/, 'a 0x-prefixed 32-byte hex private key')
    .optional(),
  /** Chain writes signed and in flight at once per signer (ADR 0010). */
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
  kafkaSaslMechanism: 'UHR_KAFKA_SASL_MECHANISM',
  kafkaUsername: 'UHR_KAFKA_USERNAME',
  kafkaPassword: 'UHR_KAFKA_PASSWORD',
  keycloakUrl: 'UHR_KEYCLOAK_URL',
  keycloakPublicUrl: 'UHR_KEYCLOAK_PUBLIC_URL',
  keycloakRealm: 'UHR_KEYCLOAK_REALM',
  authAudience: 'UHR_AUTH_AUDIENCE',
  chainRpcUrl: 'UHR_CHAIN_RPC_URL',
  deploymentsFile: 'UHR_DEPLOYMENTS_FILE',
  chainSignerKey: 'UHR_CHAIN_SIGNER_KEY',
  chainMaxInFlight: 'UHR_CHAIN_MAX_IN_FLIGHT',
  chainConfirmations: 'UHR_CHAIN_CONFIRMATIONS',
  logLevel: 'LOG_LEVEL',
};

/** Defaults that hold everywhere. */
const platformDefaults = { keycloakRealm: 'uhr', logLevel: 'info' };

/**
 * Endpoints of the local stack (scripts/stack.sh), so `node dist/main.js` works after `stack.sh up`. Only with
 * `UHR_STACK=local`: a deployment that forgets one fails at boot instead of dialling 127.0.0.1.
 */
export const localDefaults = {
  kafkaBrokers: '127.0.0.1:59092',
  keycloakUrl: 'http://127.0.0.1:58080',
  chainRpcUrl: 'http://127.0.0.1:58545',
  deploymentsFile: '.uhr/deployments.json',
};

/** The local stack's database URL holds its password: a secret like the others, defaulted only when local. */
const localPlatformSecrets = { pgUrl: 'postgres://uhr:uhr-dev-password@127.0.0.1:55432/postgres' };

/** Development secrets apply only where `UHR_STACK=local` (stack.sh, docker-compose.yml, testcontainers). */
export const isLocalStack = (env: NodeJS.ProcessEnv): boolean => env.UHR_STACK === 'local';

type Shape = z.ZodRawShape;
type Key<E extends Shape> = keyof PlatformConfig | (keyof E & string);
type Values = Partial<Record<string, string>>;

export interface ConfigOptions<E extends Shape> {
  service: string;
  extra?: E;
  extraEnv?: Record<keyof E, string>;
  /** Defaults for settings that are not secret (ports, intervals, names). */
  defaults?: Partial<Record<Key<E>, string>>;
  /**
   * The service's secrets (keys, peppers, signer, credentials), each with the local stack's development value.
   * The value applies only when `UHR_STACK=local`; anywhere else the variable must be set, and not to that value.
   */
  localSecrets?: Partial<Record<Key<E>, string>>;
  /** False for a service that signs nothing on-chain: no `UHR_CHAIN_SIGNER_KEY` needed. */
  chain?: boolean;
  env?: NodeJS.ProcessEnv;
}

/**
 * Reads `env` through the platform schema extended by `extra`, failing closed on secrets: every variable at
 * fault (malformed, unset, or a development secret outside the local stack) is named in one `ConfigError`.
 */
export function loadConfig<E extends Shape>(opts: ConfigOptions<E>): PlatformConfig & z.infer<z.ZodObject<E>> {
  const env = opts.env ?? process.env;
  const names: Record<string, string> = { ...platformEnv, ...(opts.extraEnv ?? {}) };
  const secrets = secretsOf(opts);
  const raw = readRaw(env, names, defaultsOf(opts, env), secrets);
  const issues = new Map<string, string>();
  for (const [key, devValue] of Object.entries(secrets)) {
    const issue = settleSecret(raw, key, devValue, isLocalStack(env));
    if (issue) issues.set(key, `${names[key] ?? key}: ${issue}`);
  }
  const parsed = platformConfigSchema.extend(opts.extra ?? ({} as E)).safeParse(raw);
  for (const i of parsed.success ? [] : parsed.error.issues) {
    const key = String(i.path[0]);
    if (!issues.has(key)) issues.set(key, `${names[key] ?? key}: ${raw[key] === undefined ? 'is not set' : i.message}`);
  }
  if (issues.size > 0 || !parsed.success) throw new ConfigError(opts.service, [...issues.values()]);
  return parsed.data as PlatformConfig & z.infer<z.ZodObject<E>>;
}

/** Plain defaults: the platform's, the local stack's endpoints when local, the service's name and audience, its own. */
function defaultsOf<E extends Shape>(opts: ConfigOptions<E>, env: NodeJS.ProcessEnv): Values {
  const local = isLocalStack(env) ? localDefaults : {};
  return {
    ...platformDefaults,
    ...local,
    serviceName: opts.service,
    authAudience: `uhr-${opts.service}`,
    ...opts.defaults,
  };
}

/** Every secret of this service with its development value: the platform's (database, signer) and its own. */
function secretsOf<E extends Shape>(opts: ConfigOptions<E>): Values {
  const own: Values = { ...localPlatformSecrets, ...opts.localSecrets };
  if (opts.chain === false) delete own.chainSignerKey;
  else if (!('chainSignerKey' in own)) own.chainSignerKey = undefined;
  return own;
}

/** The environment over the defaults; a secret never takes a plain default, even one declared by mistake. */
function readRaw(env: NodeJS.ProcessEnv, names: Record<string, string>, defaults: Values, secrets: Values): Values {
  const raw: Values = {};
  for (const [key, name] of Object.entries(names)) raw[key] = env[name] ?? (key in secrets ? undefined : defaults[key]);
  return raw;
}

/** Fills a secret from its development value on the local stack; elsewhere says why it is refused, if it is. */
function settleSecret(raw: Values, key: string, devValue: string | undefined, local: boolean): string | undefined {
  if (local) {
    raw[key] ??= devValue;
    return raw[key] === undefined ? 'is not set' : undefined;
  }
  if (raw[key] === undefined) return 'is not set (a secret: it has no default outside UHR_STACK=local)';
  if (raw[key] === devValue) return 'is the local development value (refused outside UHR_STACK=local)';
  return undefined;
}
