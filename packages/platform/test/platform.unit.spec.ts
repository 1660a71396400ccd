import { ConfigError, loadConfig } from '../src/config/config.js';
import { envelopeOf, InvalidEnvelopeError, parseEnvelope, topicOf } from '../src/events/envelope.js';
import { backoffMs } from '../src/persistence/waker.js';

describe('config', () => {
  const env = {
    PORT: '3001',
    UHR_PG_URL: 'postgres://u:p@127.0.0.1:5432/postgres',
    UHR_DATABASE: 'uhr_test',
    UHR_KAFKA_BROKERS: 'a:9092, b:9092',
    UHR_KEYCLOAK_URL: 'http://127.0.0.1:8080',
    UHR_KEYCLOAK_REALM: 'uhr',
    UHR_CHAIN_RPC_URL: 'http://127.0.0.1:8545',
    UHR_DEPLOYMENTS_FILE: '/tmp/d.json',
    UHR_CHAIN_SIGNER_KEY: '0x' + '1'.repeat(64),
    LOG_LEVEL: 'info',
  };

  it('parses a valid environment into one typed object', () => {
    const c = loadConfig({ service: 'x', env });
    expect(c.kafkaBrokers).toEqual(['a:9092', 'b:9092']);
    expect(c.port).toBe(3001);
  });

  it('fails fast naming every variable at fault', () => {
    const bad = { ...env, UHR_PG_URL: 'nope', UHR_CHAIN_SIGNER_KEY: '0x12' } as Record<string, string | undefined>;
    delete bad.UHR_KEYCLOAK_URL;
    let error: unknown;
    try {
      loadConfig({ service: 'registrar', env: bad });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const msg = (error as Error).message;
    expect(msg).toContain('UHR_PG_URL');
    expect(msg).toContain('UHR_KEYCLOAK_URL: is not set');
    expect(msg).toContain('UHR_CHAIN_SIGNER_KEY');
  });
});

describe('event envelope', () => {
  const ctx = { actor: 'u1', correlationId: 'c1', occurredAt: new Date('2026-01-01T00:00:00Z') };

  it('round-trips through the wire format', () => {
    const env = envelopeOf({ type: 'x.ThingHappened', version: 1, payload: { a: 1 } }, 'agg-1', 3, ctx);
    expect(env.causationId).toBe('c1');
    expect(parseEnvelope(Buffer.from(JSON.stringify(env)))).toEqual(env);
  });

  it.each([
    [null, 'empty message'],
    ['{not json', 'message is not JSON'],
    ['{"id":"1"}', 'envelope.type must be a string'],
  ])('rejects %p with a reason', (raw, reason) => {
    expect(() => parseEnvelope(raw as string | null)).toThrow(new InvalidEnvelopeError(reason));
  });

  it('names topics per family and major version', () => {
    expect(topicOf('consent', 'grant', 2)).toBe('uhr.consent.grant.v2');
  });
});

describe('backoff', () => {
  it('grows and stays under the cap', () => {
    expect(backoffMs(0, 100, 1000)).toBeLessThanOrEqual(100);
    expect(backoffMs(20, 100, 1000)).toBeLessThanOrEqual(1000);
    expect(backoffMs(20, 100, 1000)).toBeGreaterThanOrEqual(500);
  });
});
