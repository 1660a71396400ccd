import { z } from 'zod';
import { ConfigError, loadConfig } from '../../src/config/config.js';

/** Endpoints only: what a deployment's ConfigMap holds, with none of the secrets. */
const endpoints = {
  UHR_DATABASE: 'uhr_test',
  UHR_KAFKA_BROKERS: 'kafka:9092',
  UHR_KEYCLOAK_URL: 'http://keycloak:8080',
  UHR_CHAIN_RPC_URL: 'http://chain:8545',
  UHR_DEPLOYMENTS_FILE: '/etc/uhr/deployments.json',
  PORT: '3000',
};
const DEV_PEPPER = 'dev-pepper-for-local-only';
const DEV_KEY = '0x' + '1'.repeat(64);

/** A service shaped like the registrar: one secret of its own besides the platform's database and signer. */
const load = (env: Record<string, string>, opts: { chain?: boolean } = {}) =>
  loadConfig({
    service: 'example',
    env,
    chain: opts.chain,
    extra: { pepper: z.string().min(16), sweepMs: z.coerce.number() },
    extraEnv: { pepper: 'UHR_EXAMPLE_PEPPER', sweepMs: 'UHR_EXAMPLE_SWEEP_MS' },
    defaults: { sweepMs: '1000' },
    localSecrets: { chainSignerKey: DEV_KEY, pepper: DEV_PEPPER },
  });

const errorOf = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error('expected a ConfigError');
};

const prod = {
  ...endpoints,
  UHR_PG_URL: 'postgres://svc:s3cret@db:5432/postgres',
  UHR_CHAIN_SIGNER_KEY: '0x' + '2'.repeat(64),
  UHR_EXAMPLE_PEPPER: 'a-real-pepper-from-the-vault',
};

describe('secrets fail closed', () => {
  it('without UHR_STACK, names every missing secret and applies no development value', () => {
    const msg = errorOf(() => load(endpoints));
    for (const name of ['UHR_PG_URL', 'UHR_CHAIN_SIGNER_KEY', 'UHR_EXAMPLE_PEPPER']) {
      expect(msg).toContain(`${name}: is not set (a secret: it has no default outside UHR_STACK=local)`);
    }
    expect(msg).not.toContain('UHR_EXAMPLE_SWEEP_MS');
  });

  it('with any other UHR_STACK it fails the same way', () => {
    expect(errorOf(() => load({ ...endpoints, UHR_STACK: 'production' }))).toContain('UHR_EXAMPLE_PEPPER: is not set');
  });

  it('with UHR_STACK=local, development secrets fill what is unset', () => {
    const c = load({ ...endpoints, UHR_STACK: 'local' });
    expect(c.pepper).toBe(DEV_PEPPER);
    expect(c.chainSignerKey).toBe(DEV_KEY);
    expect(c.pgUrl).toContain('127.0.0.1:55432');
  });

  it('outside the local stack, refuses a development value set explicitly', () => {
    const msg = errorOf(() => load({ ...prod, UHR_EXAMPLE_PEPPER: DEV_PEPPER, UHR_CHAIN_SIGNER_KEY: DEV_KEY }));
    expect(msg).toContain('UHR_EXAMPLE_PEPPER: is the local development value');
    expect(msg).toContain('UHR_CHAIN_SIGNER_KEY: is the local development value');
  });

  it('outside the local stack, boots with every secret set', () => {
    const c = load(prod);
    expect(c.pepper).toBe('a-real-pepper-from-the-vault');
    expect(c.sweepMs).toBe(1000);
  });

  it('still validates a secret that is set', () => {
    expect(errorOf(() => load({ ...prod, UHR_EXAMPLE_PEPPER: 'short' }))).toMatch(/UHR_EXAMPLE_PEPPER: .*16/);
  });

  it('a service that signs nothing needs no signer key', () => {
    const { UHR_CHAIN_SIGNER_KEY: _unused, ...env } = prod;
    expect(load(env, { chain: false }).chainSignerKey).toBeUndefined();
    expect(errorOf(() => load(env))).toContain('UHR_CHAIN_SIGNER_KEY: is not set');
  });
});

describe('audience', () => {
  it("defaults to the service's own name", () => {
    expect(load(prod).authAudience).toBe('uhr-example');
  });

  it('can be set with UHR_AUTH_AUDIENCE', () => {
    expect(load({ ...prod, UHR_AUTH_AUDIENCE: 'uhr-other' }).authAudience).toBe('uhr-other');
  });
});

describe('endpoints', () => {
  it('default to the local stack only when UHR_STACK=local', () => {
    expect(load({ UHR_STACK: 'local', UHR_DATABASE: 'uhr_test', PORT: '0' }).kafkaBrokers).toEqual(['127.0.0.1:59092']);
    expect(errorOf(() => load({ ...prod, UHR_KAFKA_BROKERS: undefined } as never))).toContain(
      'UHR_KAFKA_BROKERS: is not set',
    );
  });
});
