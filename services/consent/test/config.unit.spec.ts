import { configErrorOf, deploymentEndpoints, missingSecret } from '@uhr/platform/testing';
import { consentConfig } from '../src/config.js';

describe('consent configuration', () => {
  it('outside UHR_STACK=local, refuses to boot without its secrets and names each', () => {
    const message = configErrorOf(() => consentConfig(deploymentEndpoints));
    for (const name of ['UHR_PG_URL', 'UHR_CHAIN_SIGNER_KEY']) {
      expect(message).toContain(missingSecret(name));
    }
  });

  it('with UHR_STACK=local, boots on the development values', () => {
    expect(consentConfig({ UHR_STACK: 'local' }).authAudience).toBe('uhr-consent');
  });
});
