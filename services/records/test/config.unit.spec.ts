import { configErrorOf, deploymentEndpoints, missingSecret } from '@uhr/platform/testing';
import { recordsConfig } from '../src/config.js';

describe('records configuration', () => {
  it('outside UHR_STACK=local, refuses to boot without its secrets and names each', () => {
    const message = configErrorOf(() => recordsConfig(deploymentEndpoints));
    for (const name of [
      'UHR_PG_URL',
      'UHR_CHAIN_SIGNER_KEY',
      'UHR_S3_ACCESS_KEY',
      'UHR_S3_SECRET_KEY',
      'UHR_RECORDS_KEK_RING',
    ]) {
      expect(message).toContain(missingSecret(name));
    }
  });

  it('with UHR_STACK=local, boots on the development values', () => {
    expect(recordsConfig({ UHR_STACK: 'local' }).authAudience).toBe('uhr-records');
  });
});
