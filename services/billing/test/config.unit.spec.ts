import { configErrorOf, deploymentEndpoints, missingSecret } from '@uhr/platform/testing';
import { billingConfig } from '../src/config.js';

describe('billing configuration', () => {
  it('outside UHR_STACK=local, refuses to boot without its secrets and names each', () => {
    const message = configErrorOf(() => billingConfig(deploymentEndpoints));
    for (const name of ['UHR_PG_URL', 'UHR_CHAIN_SIGNER_KEY']) expect(message).toContain(missingSecret(name));
  });

  it('refuses the local signer outside the local stack', () => {
    const key = '0x2a871d0798f97d79848a013d4936a73bf4cc922c825d33c1cf7073dff6d409c6';
    const message = configErrorOf(() => billingConfig({ ...deploymentEndpoints, UHR_CHAIN_SIGNER_KEY: key }));
    expect(message).toContain('UHR_CHAIN_SIGNER_KEY: is the local development value');
  });

  it('with UHR_STACK=local, boots on the development values', () => {
    const c = billingConfig({ UHR_STACK: 'local' });
    expect([c.authAudience, c.port, c.database]).toEqual(['uhr-billing', 3007, 'uhr_billing']);
  });
});
