import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ForbiddenError, IdentityDirectory, NotFoundError, UnprocessableError, type Principal } from '@uhr/platform';
import { InvoiceRepository } from '../../../invoices/invoice.repository.js';
import { ClaimRepository, type StoredClaim } from '../../claim.repository.js';
import { ConsentAdapter } from '../../consent.adapter.js';
import { claimResponseOf } from '../../domain/claim-response.js';

/**
 * An insurer adjudicates an issued invoice — only with a grant of the patient's on the Consent contract that
 * covers the invoice or its category; without one it learns nothing, not even that the invoice exists.
 */
@Injectable()
export class AdjudicateClaimUseCase {
  constructor(
    private readonly invoices: InvoiceRepository,
    private readonly claims: ClaimRepository,
    private readonly directory: IdentityDirectory,
    private readonly consent: ConsentAdapter,
  ) {}

  async execute(p: Principal, invoiceId: string, grantId?: string): Promise<StoredClaim> {
    const inv = await this.invoices.byId(invoiceId);
    const grant = inv && (await this.grantOf(p, inv.patientId, inv.id, inv.category, grantId));
    if (!inv || !grant) {
      throw new NotFoundError('InvoiceNotFound', `no invoice ${invoiceId} that a grant lets you see`);
    }
    if (inv.status !== 'ISSUED' || inv.kind !== 'INVOICE' || !inv.verdicts) {
      throw new UnprocessableError('NotAnIssuedInvoice', 'only an issued invoice can be claimed');
    }
    const id = randomUUID();
    const response = claimResponseOf({
      claimId: id,
      invoiceId: inv.id,
      patientId: inv.patientId,
      insurer: p.username,
      currency: inv.currency,
      created: new Date().toISOString(),
      verdicts: inv.verdicts,
    });
    return this.claims.insertOnce({ id, invoiceId: inv.id, insurerSubject: p.subject, grantId: grant, response });
  }

  /** The grant one of the insurer's registered identities holds, asked of the chain. */
  private async grantOf(p: Principal, patientId: string, invoiceId: string, category: string, named?: string) {
    const mine = (await this.directory.bySubject(p.subject)).filter((i) => i.kind === 'third-party');
    if (mine.length === 0) throw new ForbiddenError('NotRegistered', 'your login has no registered insurer identity');
    for (const identity of mine) {
      const g = await this.consent.grantFor(identity.address, patientId, invoiceId, category, named);
      if (g) return g;
    }
    return undefined;
  }
}
