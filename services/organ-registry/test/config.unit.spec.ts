import { configErrorOf, deploymentEndpoints, missingSecret } from '@uhr/platform/testing';
import { organRegistryConfig } from '../src/config.js';

describe('organ-registry configuration', () => {
  it('outside UHR_STACK=local, refuses to boot without its secrets and names each', () => {
    const message = configErrorOf(() => organRegistryConfig(deploymentEndpoints));
    for (const name of [
      'UHR_PG_URL',
      'UHR_CHAIN_SIGNER_KEY',
      'UHR_S3_ACCESS_KEY',
      'UHR_S3_SECRET_KEY',
      'UHR_ORGAN_REGISTRY_KEK_RING',
    ]) {
      expect(message).toContain(missingSecret(name));
    }
  });

  it('with UHR_STACK=local, boots on the development values, port 3006', () => {
    const config = organRegistryConfig({ UHR_STACK: 'local' });
    expect(config.authAudience).toBe('uhr-organ-registry');
    expect(config.port).toBe(3006);
  });
});
