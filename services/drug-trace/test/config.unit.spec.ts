import { configErrorOf, deploymentEndpoints, missingSecret } from '@uhr/platform/testing';
import { drugTraceConfig } from '../src/config.js';

describe('drug-trace configuration', () => {
  it('outside UHR_STACK=local, refuses to boot without its secrets and names each', () => {
    const message = configErrorOf(() => drugTraceConfig(deploymentEndpoints));
    for (const name of ['UHR_PG_URL', 'UHR_CHAIN_SIGNER_KEY']) expect(message).toContain(missingSecret(name));
  });

  it('outside UHR_STACK=local, refuses the development signer key', () => {
    const env = {
      ...deploymentEndpoints,
      UHR_PG_URL: 'postgres://u:p@db:5432/postgres',
      UHR_CHAIN_SIGNER_KEY: '0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba',
    };
    expect(configErrorOf(() => drugTraceConfig(env))).toContain('UHR_CHAIN_SIGNER_KEY: is the local development value');
  });

  it('with UHR_STACK=local, boots on the development values and port 3005', () => {
    const c = drugTraceConfig({ UHR_STACK: 'local' });
    expect(c.authAudience).toBe('uhr-drug-trace');
    expect(c.port).toBe(3005);
    expect(c.database).toBe('uhr_drug_trace');
  });
});
