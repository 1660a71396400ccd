import { KeyRing, open, seal, type EnvelopeHeader } from '@uhr/platform';

export const WEBHOOK_KEY_RING = Symbol('WEBHOOK_KEY_RING');

/** A signing secret as stored: AES-256-GCM under a data key wrapped by the ring's active key. */
export interface SealedSecret {
  ciphertext: string;
  header: EnvelopeHeader;
}

/**
 * Webhook signing secrets are encrypted at rest with the platform's envelope cipher. The webhook id is the
 * associated data, so a sealed secret copied onto another webhook's row does not open. The key ring may hold
 * several keys (rotation): old secrets open with their kid, new ones are sealed with the active one.
 */
export class WebhookSecrets {
  constructor(private readonly ring: KeyRing) {}

  seal(webhookId: string, secret: string): SealedSecret {
    const sealed = seal(Buffer.from(secret, 'utf8'), this.ring, aad(webhookId));
    return { ciphertext: sealed.ciphertext.toString('base64'), header: sealed.header };
  }

  open(webhookId: string, sealed: SealedSecret): string {
    return open(
      { ciphertext: Buffer.from(sealed.ciphertext, 'base64'), header: sealed.header },
      this.ring,
      aad(webhookId),
    ).toString('utf8');
  }
}

const aad = (webhookId: string) => `uhr-notifications/webhook-secret/${webhookId}`;
