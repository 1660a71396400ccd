import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { IdentityDirectory, UnprocessableError, type EventContext } from '@uhr/platform';
import { InvoicePricer } from '../../../pricing/invoice-pricer.js';
import type { Invoice, InvoiceLine } from '../../domain/invoice.js';
import { InvoiceRepository, type StoredInvoice } from '../../invoice.repository.js';

export interface DraftInvoice {
  providerSubject: string;
  patientId: string;
  category: string;
  currency: string;
  invoicedAt: string;
  lines: InvoiceLine[];
}

/** A hospital's clock may run a little ahead; a later date would pick a price not yet in force. */
const CLOCK_SKEW_MS = 5 * 60_000;

/** A hospital drafts an invoice for a registered patient; each line gets its verdict at once. */
@Injectable()
export class DraftInvoiceUseCase {
  constructor(
    private readonly invoices: InvoiceRepository,
    private readonly pricer: InvoicePricer,
    private readonly directory: IdentityDirectory,
  ) {}

  async execute(cmd: DraftInvoice, ctx: EventContext): Promise<StoredInvoice> {
    if (Date.parse(cmd.invoicedAt) > ctx.occurredAt.getTime() + CLOCK_SKEW_MS) {
      throw new UnprocessableError(
        'InvoiceDatedAhead',
        'invoicedAt is later than now: the price of a future date does not apply',
        {
          field: 'invoicedAt',
        },
      );
    }
    const patient = await this.directory.byId(cmd.patientId);
    if (patient?.kind !== 'patient' || patient.status !== 'active') {
      throw new UnprocessableError('UnknownPatient', `patientId ${cmd.patientId} is not an active registered patient`, {
        field: 'patientId',
      });
    }
    const inv: Invoice = { ...cmd, id: randomUUID(), kind: 'INVOICE', status: 'DRAFT', verdicts: null, credits: null };
    const verdicts = await this.pricer.verdicts(inv.lines, inv.currency, inv.invoicedAt);
    await this.invoices.transaction((m) => this.invoices.insertDraft(m, inv, verdicts, ctx));
    return (await this.invoices.byId(inv.id))!;
  }

  /** Corrects a draft's lines (an issued invoice is corrected by a credit note instead). */
  async replaceLines(draft: StoredInvoice, lines: InvoiceLine[]): Promise<StoredInvoice> {
    if (draft.status !== 'DRAFT') {
      throw new UnprocessableError('InvoiceIssued', 'an issued invoice is immutable: corrections are credit notes');
    }
    const verdicts = await this.pricer.verdicts(lines, draft.currency, draft.invoicedAt);
    await this.invoices.transaction((m) => this.invoices.replaceDraftLines(m, draft.id, lines, verdicts));
    return (await this.invoices.byId(draft.id))!;
  }
}
