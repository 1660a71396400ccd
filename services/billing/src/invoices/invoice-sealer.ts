import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EventContext } from '@uhr/platform';
import type { EntityManager } from 'typeorm';
import { Anchoring } from '../anchoring.js';
import type { LineVerdict } from '../pricing/domain/line-verdict.js';
import type { Invoice, Totals } from './domain/invoice.js';
import { canonicalInvoice, invoiceHash } from './domain/invoice-hash.js';
import { InvoiceRepository } from './invoice.repository.js';

/**
 * Issues an invoice or a credit note inside the caller's transaction: a fresh salt, the salted hash of its
 * canonical form queued on the invoices' Anchors stream, the row frozen. A crash before commit leaves a draft;
 * after commit the hash waits in the stream until the next cut, so nothing issued goes unanchored.
 */
@Injectable()
export class InvoiceSealer {
  constructor(
    private readonly invoices: InvoiceRepository,
    private readonly anchoring: Anchoring,
  ) {}

  async seal(m: EntityManager, inv: Invoice, totals: Totals, verdicts: LineVerdict[], ctx: EventContext) {
    const salt = randomBytes(16).toString('hex');
    const issuedAt = ctx.occurredAt.toISOString();
    const canonical = canonicalInvoice(inv, totals, issuedAt);
    const hash = invoiceHash(canonical, salt);
    const [anchorEntryId] = await this.anchoring.invoices.append(m, [hash]);
    const issue = { totals, verdicts, salt, invoiceHash: hash, canonical, anchorEntryId: anchorEntryId!, issuedAt };
    await this.invoices.markIssued(m, inv, issue, ctx);
    return issue;
  }
}
