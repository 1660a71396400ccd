import { randomBytes } from 'node:crypto';
import { KeyRing } from '@uhr/platform';
import { WebhookSecrets } from '../../src/webhooks/webhook-secrets.js';

const k1 = randomBytes(32).toString('base64');
const k2 = randomBytes(32).toString('base64');

describe('webhook secrets at rest', () => {
  const secrets = new WebhookSecrets(KeyRing.fromConfig(`k1:${k1}`, 'k1'));

  it('round-trips, and the stored form does not contain the secret', () => {
    const sealed = secrets.seal('hook-1', 'whsec_abc');
    expect(JSON.stringify(sealed)).not.toContain('whsec_abc');
    expect(secrets.open('hook-1', sealed)).toBe('whsec_abc');
  });

  it("refuses a sealed secret moved onto another webhook's row", () => {
    const sealed = secrets.seal('hook-1', 'whsec_abc');
    expect(() => secrets.open('hook-2', sealed)).toThrow();
  });

  it('opens secrets sealed under a retired key after rotation, and seals new ones with the active key', () => {
    const old = secrets.seal('hook-1', 'whsec_old');
    const rotated = new WebhookSecrets(KeyRing.fromConfig(`k1:${k1},k2:${k2}`, 'k2'));
    expect(rotated.open('hook-1', old)).toBe('whsec_old');
    expect(rotated.seal('hook-1', 'whsec_new').header.kid).toBe('k2');
  });
});
