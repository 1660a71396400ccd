import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Finds the repository root (the folder with .uhr or the workspace package.json) from the cwd upwards. */
export function repoRoot(from = process.cwd()): string {
  let dir = from;
  for (;;) {
    if (existsSync(join(dir, 'scripts', 'stack.sh'))) return dir;
    const up = dirname(dir);
    if (up === dir) return from;
    dir = up;
  }
}

/**
 * Endpoints for integration tests: the environment first, then the `.uhr/env` file that scripts/stack.sh
 * writes. Integration tests never mock a server: without endpoints they fail with a message saying how to
 * start them.
 */
export function loadStackEnv(): Record<string, string> {
  const file = join(repoRoot(), '.uhr', 'env');
  if (existsSync(file)) {
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
      if (m?.[1] && process.env[m[1]] === undefined) process.env[m[1]] = m[2];
    }
  }
  const need = ['UHR_PG_URL', 'UHR_KAFKA_BROKERS', 'UHR_KEYCLOAK_URL', 'UHR_S3_ENDPOINT', 'UHR_CHAIN_RPC_URL'];
  const missing = need.filter((k) => !process.env[k]);
  if (missing.length > 0) {
    throw new Error(
      `integration tests need the platform: ${missing.join(', ')} unset. Start it with scripts/stack.sh up`,
    );
  }
  return process.env as Record<string, string>;
}

/** Polls `check` until it returns a value other than undefined/false, or fails after the deadline. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  { timeoutMs = 20_000, intervalMs = 50 } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      lastError = err;
      if ((err as Error).message?.startsWith('rejected')) throw err;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`,
      );
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

const tokenCache = new Map<string, { token: string; until: number }>();

/** A real access token from Keycloak for one of the realm's test users (password `<username>-pass`). */
export async function tokenFor(username: string, password = `${username}-pass`): Promise<string> {
  const cached = tokenCache.get(username);
  if (cached && cached.until > Date.now()) return cached.token;
  const env = loadStackEnv();
  const url = `${env.UHR_KEYCLOAK_URL}/realms/${env.UHR_KEYCLOAK_REALM ?? 'uhr'}/protocol/openid-connect/token`;
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'password', client_id: 'uhr-cli', username, password }),
  });
  if (!res.ok) throw new Error(`Keycloak refused a token for ${username}: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { access_token: string; expires_in: number };
  tokenCache.set(username, { token: body.access_token, until: Date.now() + (body.expires_in - 30) * 1000 });
  return body.access_token;
}

/** Runs a stack.sh command (stop/start a server for outage tests). */
export async function stack(...args: string[]): Promise<void> {
  const { execFile } = await import('node:child_process');
  await new Promise<void>((resolve, reject) =>
    execFile('bash', [join(repoRoot(), 'scripts', 'stack.sh'), ...args], { timeout: 300_000 }, (err, _o, stderr) =>
      err ? reject(new Error(`stack.sh ${args.join(' ')} failed: ${stderr}`)) : resolve(),
    ),
  );
}

/** What a deployment's ConfigMap holds (k8s/base/platform-config.yaml): endpoints, none of the secrets. */
export const deploymentEndpoints = {
  UHR_KAFKA_BROKERS: 'kafka:9092',
  UHR_KEYCLOAK_URL: 'http://keycloak:8080',
  UHR_CHAIN_RPC_URL: 'http://chain:8545',
  UHR_DEPLOYMENTS_FILE: '/etc/uhr/deployments.json',
  UHR_S3_ENDPOINT: 'http://s3:8333',
};

/** The message of the configuration error `load` throws, for asserting which variables it names. */
export function configErrorOf(load: () => unknown): string {
  try {
    load();
  } catch (err) {
    if ((err as Error).name === 'ConfigError') return (err as Error).message;
    throw err;
  }
  throw new Error('the configuration loaded: expected a ConfigError');
}

/** The line `loadConfig` writes for a secret missing outside the local stack. */
export const missingSecret = (name: string) =>
  `${name}: is not set (a secret: it has no default outside UHR_STACK=local)`;

/** A client-credentials token for one of the realm's confidential clients (a service account). */
export async function serviceToken(clientId: string, secret = `${clientId}-dev-secret`): Promise<string> {
  const env = loadStackEnv();
  const url = `${env.UHR_KEYCLOAK_URL}/realms/${env.UHR_KEYCLOAK_REALM ?? 'uhr'}/protocol/openid-connect/token`;
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: secret }),
  });
  if (!res.ok) throw new Error(`Keycloak refused a token for client ${clientId}: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

// .ts: jest's globalSetup loads this file without the moduleNameMapper (see global-setup.ts).
export { attacksOn, BAD_STRINGS, fuzzService, openApiOf } from './edge-fuzz.ts';
export type { EdgeFuzzOptions, FuzzFinding, FuzzReport, FuzzTarget } from './edge-fuzz.ts';
export { PUBLIC_HEALTH_OPERATIONS, undocumentedOperations } from './openapi-operations.ts';
export type { OpenApiDocument, OpenApiOperation } from './openapi-operations.ts';
export { openApiOfControllers } from './openapi-of-controllers.ts';
export {
  clusterSigner,
  gethRpc,
  headOf,
  killNode,
  link,
  loadClusterEnv,
  peerCount,
  startNode,
  type ClusterEnv,
  type ClusterNode,
} from './cluster.ts';

/** Drops a database a test created for itself (its own service database), even with connections still open. */
export async function dropTestDatabase(database: string): Promise<void> {
  const { default: pg } = await import('pg');
  const admin = new pg.Client({ connectionString: loadStackEnv().UHR_PG_URL });
  await admin.connect();
  try {
    await admin.query(`drop database if exists "${database.replace(/"/g, '""')}" with (force)`);
  } finally {
    await admin.end();
  }
}
export { startPrivatePostgres, type PrivatePostgres } from './private-postgres.ts';
export { sendTwiceWithKey, sendWithKey, type KeyedAnswer } from './idempotency.ts';
export { startPrivateS3, type PrivateS3 } from './private-s3.ts';
export { cpuBetween, cpuPerUnit, groupOfCommand, sampleCpu, type CpuSample, type CpuUse } from './machine-cpu.ts';
