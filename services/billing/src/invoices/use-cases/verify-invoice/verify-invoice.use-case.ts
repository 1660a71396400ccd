import { Injectable } from '@nestjs/common';
import { NotFoundError } from '@uhr/platform';
import { Anchoring } from '../../../anchoring.js';
import { canonicalInvoice, invoiceHash, verificationOf } from '../../domain/invoice-hash.js';
import { InvoiceRepository } from '../../invoice.repository.js';

/**
 * Anyone holding an invoice's QR payload (id + salt): the invoice as stored now, hashed with that salt, against
 * the hash the chain anchored at issue. A row changed after issue, or a wrong salt, is HASH_MISMATCH.
 */
@Injectable()
export class VerifyInvoiceUseCase {
  constructor(
    private readonly invoices: InvoiceRepository,
    private readonly anchoring: Anchoring,
  ) {}

  async execute(invoiceId: string, salt: string) {
    const inv = await this.invoices.byId(invoiceId);
    if (!inv || inv.status !== 'ISSUED' || !inv.totals || !inv.anchorEntryId || !inv.issuedAt) {
      throw new NotFoundError('InvoiceNotFound', `no issued invoice ${invoiceId}`);
    }
    const anchor = await this.anchoring.invoices.proofOf(inv.anchorEntryId);
    if (!anchor) throw new NotFoundError('InvoiceNotFound', `no issued invoice ${invoiceId}`);
    const canonical = canonicalInvoice(inv, inv.totals, inv.issuedAt);
    const status = verificationOf(invoiceHash(canonical, salt), anchor.dataHash, anchor.verifiedOnChain);
    // A wrong salt means the caller does not hold this invoice: tell it nothing of the invoice's content.
    if (status === 'HASH_MISMATCH') return { status, invoiceId, anchoredHash: anchor.dataHash };
    return {
      status,
      invoiceId,
      kind: inv.kind,
      currency: inv.currency,
      totals: inv.totals,
      issuedAt: inv.issuedAt,
      anchoredHash: anchor.dataHash,
      proof: anchor,
    };
  }
}
