import { Injectable } from '@nestjs/common';
import { ConflictError, NotFoundError, UnprocessableError, type EventContext } from '@uhr/platform';
import { InvoicePricer } from '../../../pricing/invoice-pricer.js';
import { decideIssue } from '../../domain/invoice.js';
import { InvoiceRepository, type StoredInvoice } from '../../invoice.repository.js';
import { InvoiceSealer } from '../../invoice-sealer.js';

/**
 * Issues a draft: its lines priced again (a schedule may have been published since the draft), refused if any
 * line is refused, else sealed and anchored. The row lock makes two concurrent issues one.
 */
@Injectable()
export class IssueInvoiceUseCase {
  constructor(
    private readonly invoices: InvoiceRepository,
    private readonly pricer: InvoicePricer,
    private readonly sealer: InvoiceSealer,
  ) {}

  async execute(id: string, ctx: EventContext): Promise<StoredInvoice> {
    await this.invoices.transaction(async (m) => {
      const inv = await this.invoices.byId(id, m, true);
      if (!inv) throw new NotFoundError('InvoiceNotFound', `no invoice ${id}`);
      if (inv.status === 'ISSUED') throw new ConflictError('InvoiceAlreadyIssued', `invoice ${id} is already issued`);
      const verdicts = await this.pricer.verdicts(inv.lines, inv.currency, inv.invoicedAt);
      const decision = decideIssue(inv, verdicts);
      if (!decision.ok) {
        throw new UnprocessableError('InvoiceRefused', 'lines are refused under the schedule in force', {
          lines: decision.reasons,
        });
      }
      await this.sealer.seal(m, inv, decision.totals, verdicts, ctx);
    });
    return (await this.invoices.byId(id))!;
  }
}
