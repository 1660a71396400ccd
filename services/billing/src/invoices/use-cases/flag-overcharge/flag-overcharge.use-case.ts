import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ConflictError, IdentityDirectory, UnprocessableError, type EventContext } from '@uhr/platform';
import { InvoicePricer } from '../../../pricing/invoice-pricer.js';
import { decimal } from '../../../pricing/domain/money.js';
import { localDateOf } from '../../../pricing/domain/zoned-date.js';
import { ScheduleRepository } from '../../../schedules/schedule.repository.js';
import type { Invoice, InvoiceLine } from '../../domain/invoice.js';
import { decideRefund, type RefundDecision } from '../../domain/refund.js';
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
    const refund = await this.refundOf(inv, cmd.corrections, ctx.occurredAt);
    if (!refund.ok)
      throw new UnprocessableError('NoOvercharge', 'every line is within the cap that applied on the invoice date');
    const note = creditNoteOf(inv, refund, ctx.occurredAt);
    const patientSubject = (await this.directory.byId(inv.patientId))?.subject ?? null;
    await this.invoices
      .transaction(async (m) => {
        if (await this.invoices.creditNoteOf(inv.id)) throw alreadyRefunded(inv.id);
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
          patientSubject,
          currency: inv.currency,
          total: refund.total,
        };
        await this.invoices.recordFlag(m, flag, { type: 'billing.OverchargeRefunded', version: 1, payload }, ctx);
      })
      .catch((err: { code?: string }) => {
        throw err.code === '23505' ? alreadyRefunded(inv.id) : err;
      });
    return (await this.invoices.byId(note.id))!;
  }

  /** The invoice priced again (as corrected) on its own date; interest to `today` in the regulator's zone. */
  private async refundOf(
    inv: StoredInvoice,
    corrections: readonly LineCorrection[],
    today: Date,
  ): Promise<RefundDecision> {
    const verdicts = await this.pricer.verdicts(corrected(inv.lines, corrections), inv.currency, inv.invoicedAt);
    const versionIds = [...new Set(verdicts.flatMap((v) => (v.schedule ? [v.schedule.versionId] : [])))];
    const versions = (await Promise.all(versionIds.map((id) => this.schedules.byId(id)))).flatMap((v) =>
      v ? [v] : [],
    );
    const zone = versions[0]?.timeZone ?? 'UTC';
    const rates = new Map(versions.map((v) => [v.id, decimal(v.recoveryInterestRate)] as const));
    const chargedOn = localDateOf(new Date(inv.invoicedAt), zone);
    return decideRefund(verdicts, rates, chargedOn, localDateOf(today, zone), inv.currency);
  }
}

const alreadyRefunded = (id: string) => new ConflictError('AlreadyRefunded', `invoice ${id} already has a credit note`);

/** The credit note: the refund lines, to the same patient from the same hospital, pointing at the invoice. */
function creditNoteOf(inv: StoredInvoice, refund: Extract<RefundDecision, { ok: true }>, at: Date): Invoice {
  return {
    id: randomUUID(),
    kind: 'CREDIT_NOTE',
    status: 'DRAFT',
    providerSubject: inv.providerSubject,
    patientId: inv.patientId,
    category: inv.category,
    currency: inv.currency,
    invoicedAt: at.toISOString(),
    lines: refund.lines,
    verdicts: null,
    credits: inv.id,
  };
}
