import { Injectable } from '@nestjs/common';
import { verdictOf, type LineVerdict } from './domain/line-verdict.js';
import { pricedLineOf, type InvoiceLine } from '../invoices/domain/invoice.js';
import { ScheduleRepository } from '../schedules/schedule.repository.js';

/** Verdicts for an invoice's lines against the schedules in force on its date (one read for all its codes). */
@Injectable()
export class InvoicePricer {
  constructor(private readonly schedules: ScheduleRepository) {}

  async verdicts(lines: readonly InvoiceLine[], currency: string, invoicedAt: string): Promise<LineVerdict[]> {
    const codes = lines.flatMap((l) => (l.code ? [l.code] : []));
    const gtins = lines.flatMap((l) => (l.gtin ? [l.gtin] : []));
    const { versions, packs } = await this.schedules.pricingFor(codes, gtins);
    const ctx = { versions, packs: new Map(packs.map((p) => [p.gtin, p])), currency, invoicedAt: new Date(invoicedAt) };
    return lines.map((l) => verdictOf(pricedLineOf(l, currency), ctx));
  }
}
