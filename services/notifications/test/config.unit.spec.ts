import { configErrorOf, deploymentEndpoints, missingSecret } from '@uhr/platform/testing';
import { notificationsConfig } from '../src/config.js';

describe('notifications configuration', () => {
  it('outside UHR_STACK=local, refuses to boot without its secrets and names each', () => {
    const message = configErrorOf(() => notificationsConfig(deploymentEndpoints));
    for (const name of ['UHR_PG_URL', 'UHR_NOTIFICATIONS_CLIENT_SECRET', 'UHR_NOTIFICATIONS_SECRET_KEYS']) {
      expect(message).toContain(missingSecret(name));
    }
    // It signs nothing on-chain.
    expect(message).not.toContain('UHR_CHAIN_SIGNER_KEY');
  });

  it('with UHR_STACK=local, boots on the development values', () => {
    expect(notificationsConfig({ UHR_STACK: 'local' }).authAudience).toBe('uhr-notifications');
  });
});
