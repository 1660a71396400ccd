import { z } from 'zod';
import { ConfigError, loadConfig } from '../../src/config/config.js';
import { saslOf } from '../../src/messaging/kafka.js';

/** What k8s/base sets: the SCRAM listener's mechanism in the ConfigMap, the user and password per service. */
const env = {
  UHR_DATABASE: 'uhr_test',
  UHR_KAFKA_BROKERS: 'uhr-kafka-kafka-bootstrap.uhr-platform.svc:9094',
  UHR_KEYCLOAK_URL: 'http://keycloak:8080',
  UHR_CHAIN_RPC_URL: 'http://chain:8545',
  UHR_DEPLOYMENTS_FILE: '/etc/uhr/deployments.json',
  UHR_PG_URL: 'postgres://svc:s3cret@db:5432/postgres',
  PORT: '3000',
};
const load = (extra: Record<string, string>) =>
  loadConfig({ service: 'example', env: { ...env, ...extra }, chain: false, extra: {} as z.ZodRawShape });

describe('Kafka SASL (Strimzi SCRAM users)', () => {
  it('gives kafkajs the mechanism, user and password the environment names', () => {
    const cfg = load({
      UHR_KAFKA_SASL_MECHANISM: 'scram-sha-512',
      UHR_KAFKA_USERNAME: 'records',
      UHR_KAFKA_PASSWORD: 'pw-from-secret',
    });
    expect(saslOf(cfg)).toEqual({ mechanism: 'scram-sha-512', username: 'records', password: 'pw-from-secret' });
  });

  it('connects without SASL when no mechanism is set (the local stack)', () => {
    expect(saslOf(load({}))).toBeUndefined();
  });

  it('refuses a mechanism without a password, naming what is missing', () => {
    const cfg = load({ UHR_KAFKA_SASL_MECHANISM: 'scram-sha-512', UHR_KAFKA_USERNAME: 'records' });
    expect(() => saslOf(cfg)).toThrow(
      'UHR_KAFKA_SASL_MECHANISM=scram-sha-512 needs UHR_KAFKA_USERNAME and UHR_KAFKA_PASSWORD',
    );
  });

  it('refuses an unknown mechanism at boot', () => {
    expect(() => load({ UHR_KAFKA_SASL_MECHANISM: 'plain' })).toThrow(ConfigError);
    expect(() => load({ UHR_KAFKA_SASL_MECHANISM: 'plain' })).toThrow('UHR_KAFKA_SASL_MECHANISM');
  });
});
