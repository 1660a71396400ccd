import { configErrorOf, deploymentEndpoints, missingSecret } from '@uhr/platform/testing';
import { registrarConfig } from '../src/config.js';

describe('registrar configuration', () => {
  it('outside UHR_STACK=local, refuses to boot without its secrets and names each', () => {
    const message = configErrorOf(() => registrarConfig(deploymentEndpoints));
    for (const name of ['UHR_PG_URL', 'UHR_CHAIN_SIGNER_KEY', 'UHR_IDENTITY_PEPPER']) {
      expect(message).toContain(missingSecret(name));
    }
  });

  it('with UHR_STACK=local, boots on the development values', () => {
    expect(registrarConfig({ UHR_STACK: 'local' }).authAudience).toBe('uhr-registrar');
  });
});
