import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { EncryptedBlobStore, type EventContext } from '@uhr/platform';
import { canonicalHash } from '../../../matching/domain/canonical.js';
import { opaqueId } from '../../../shared/ids.js';
import { DonationRepository } from '../../donation.repository.js';

export interface RegisterDonor {
  kind: 'deceased' | 'living';
  identity: { name: string; nationalId?: string; dateOfBirth?: string };
  consent: { mediaType: string; document: Buffer };
}

/**
 * The organ bank registers a donor: identity and consent document encrypted into the blob store, the donor
 * known everywhere else by an opaque id, and the consent's hash anchored on-chain (no name, no national id).
 */
@Injectable()
export class RegisterDonorUseCase {
  constructor(
    private readonly donations: DonationRepository,
    private readonly blobs: EncryptedBlobStore,
  ) {}

  async execute(cmd: RegisterDonor, ctx: EventContext) {
    const id = opaqueId('DN');
    const identityBlob = await this.blobs.put(
      `donors/${id}/identity`,
      Buffer.from(JSON.stringify(cmd.identity)),
      'application/json',
    );
    const consentBlob = await this.blobs.put(`donors/${id}/consent`, cmd.consent.document, cmd.consent.mediaType);
    const documentSha256 = createHash('sha256').update(cmd.consent.document).digest('hex');
    const consentHash = canonicalHash({ fact: 'organ-registry.donor-consent', donorId: id, documentSha256 });
    await this.donations.registerDonor(
      {
        id,
        kind: cmd.kind,
        identityBlob: { key: identityBlob.key, sha256: identityBlob.sha256 },
        consentBlob: { key: consentBlob.key, sha256: consentBlob.sha256 },
        consentHash,
      },
      ctx,
    );
    const { identityBlob: _i, consentBlob: _c, ...view } = (await this.donations.donor(id))!;
    return { ...view, documentSha256 };
  }
}
