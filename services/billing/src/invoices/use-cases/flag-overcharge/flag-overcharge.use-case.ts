import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ConflictError, IdentityDirectory, UnprocessableError, type EventContext } from '@uhr/platform';
import { InvoicePricer } from '../../../pricing/invoice-pricer.js';
import { decimal } from '../../../pricing/domain/money.js';
import { localDateOf } from '../../../pricing/domain/zoned-date.js';
import { ScheduleRepository } from '../../../schedules/schedule.repository.js';
import type { Invoice, InvoiceLine } from '../../domain/invoice.js';
import { decideRefund } from '../../domain/refund.js';
import { InvoiceRepository, type StoredInvoice } from '../../invoice.repository.js';
import { InvoiceSealer } from '../../invoice-sealer.js';

/** What the flag says the hospital misstated on a line (the stent billed as "consumables", the real MRP). */
export interface LineCorrection {
  line: number;
  code?: string;
  gtin?: string;
  labelMrp?: string;
}

export interface FlagOvercharge {
  invoice: StoredInvoice;
  flaggedBy: string;
  reason: string;
  corrections: LineCorrection[];
}

function corrected(lines: readonly InvoiceLine[], corrections: readonly LineCorrection[]): InvoiceLine[] {
  const out = lines.map((l) => ({ ...l }));
  for (const c of corrections) {
    const l = out[c.line - 1];
    if (!l)
      throw new UnprocessableError('NoSuchLine', `line ${c.line} is not on the invoice`, { field: 'corrections.line' });
    if (c.code !== undefined || c.gtin !== undefined) Object.assign(l, { code: c.code, gtin: c.gtin });
    if (c.labelMrp !== undefined) l.labelMrp = c.labelMrp;
  }
  return out;
}

/**
 * An auditor or the patient flags an issued invoice: its lines (as corrected) priced against the schedule in
 * force on its date; the excess above the hard cap or label MRP, with the regime's interest to today, is
 * refunded by one credit note, issued and anchored like an invoice; hospital and patient hear of it.
 */
@Injectable()
export class FlagOverchargeUseCase {
  constructor(
    private readonly invoices: InvoiceRepository,
    private readonly pricer: InvoicePricer,
    private readonly schedules: ScheduleRepository,
    private readonly sealer: InvoiceSealer,
    private readonly directory: IdentityDirectory,
  ) {}

  async execute(cmd: FlagOvercharge, ctx: EventContext): Promise<StoredInvoice> {
    const inv = cmd.invoice;
    if (inv.status !== 'ISSUED' || inv.kind !== 'INVOICE') {
      throw new UnprocessableError('NotAnIssuedInvoice', 'only an issued invoice can be flagged');
    }
    const verdicts = await this.pricer.verdicts(corrected(inv.lines, cmd.corrections), inv.currency, inv.invoicedAt);
    const versionIds = [...new Set(verdicts.flatMap((v) => (v.schedule ? [v.schedule.versionId] : [])))];
    const versions = await Promise.all(versionIds.map((id) => this.schedules.byId(id)));
    const zone = versions[0]?.timeZone ?? 'UTC';
    const rates = new Map(versions.flatMap((v) => (v ? [[v.id, decimal(v.recoveryInterestRate)] as const] : [])));
    const refund = decideRefund(
      verdicts,
      rates,
      localDateOf(new Date(inv.invoicedAt), zone),
      localDateOf(ctx.occurredAt, zone),
      inv.currency,
    );
    if (!refund.ok)
      throw new UnprocessableError('NoOvercharge', 'every line is within the cap that applied on the invoice date');
    const note: Invoice = {
      id: randomUUID(),
      kind: 'CREDIT_NOTE',
      status: 'DRAFT',
      providerSubject: inv.providerSubject,
      patientId: inv.patientId,
      category: inv.category,
      currency: inv.currency,
      invoicedAt: ctx.occurredAt.toISOString(),
      lines: refund.lines,
      verdicts: null,
      credits: inv.id,
    };
    const patients = (await this.directory.byId(inv.patientId))?.subject;
    await this.invoices
      .transaction(async (m) => {
        if (await this.invoices.creditNoteOf(inv.id))
          throw new ConflictError('AlreadyRefunded', `invoice ${inv.id} already has a credit note`);
        await this.invoices.insertDraft(m, note, [], ctx);
        const totals = { net: refund.total, tax: '0.00', gross: refund.total, excess: refund.excess };
        await this.sealer.seal(m, note, totals, [], ctx);
        const flag = {
          invoiceId: inv.id,
          flaggedBy: cmd.flaggedBy,
          reason: cmd.reason,
          excess: refund.excess,
          interest: refund.interest,
          creditNoteId: note.id,
        };
        const payload = {
          ...flag,
          providerSubject: inv.providerSubject,
          patientSubject: patients ?? null,
          currency: inv.currency,
          total: refund.total,
        };
        await this.invoices.recordFlag(m, flag, { type: 'billing.OverchargeRefunded', version: 1, payload }, ctx);
      })
      .catch((err: { code?: string }) => {
        if (err.code === '23505')
          throw new ConflictError('AlreadyRefunded', `invoice ${inv.id} already has a credit note`);
        throw err;
      });
    return (await this.invoices.byId(note.id))!;
  }
}
