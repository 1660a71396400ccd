import { Dec, decimal, moneyString, type Dec as D } from '../../pricing/domain/money.js';
import type { LineVerdict } from '../../pricing/domain/line-verdict.js';
import { recoveryInterest } from '../../pricing/domain/recovery.js';
import type { CalendarDate } from '../../pricing/domain/zoned-date.js';
import type { InvoiceLine } from './invoice.js';

/** A credit-note line: the refund of one overcharged line, a positive amount (never a negative invoice line). */
export interface RefundLine extends InvoiceLine {
  refundsLine: number;
  excess: string;
  interest: string;
}

export type RefundDecision =
  | { ok: true; lines: RefundLine[]; excess: string; interest: string; total: string }
  | { ok: false; code: 'NoOvercharge' };

/**
 * The overcharge of an issued invoice, priced again with what the flag corrects: per line, the excess above
 * the hard cap or label MRP (refusing findings only — a reference-price difference is the patient's share,
 * not an overcharge), plus simple interest from the invoice date to the refund date at the version's rate.
 */
export function decideRefund(
  verdicts: readonly LineVerdict[],
  ratesByVersion: ReadonlyMap<string, D>,
  chargedOn: CalendarDate,
  refundOn: CalendarDate,
  currency: string,
): RefundDecision {
  const lines: RefundLine[] = [];
  verdicts.forEach((v, i) => {
    const refusing = v.findings.filter((f) => f.refusing && f.excess !== undefined);
    if (refusing.length === 0 || decimal(v.excess).isZero()) return;
    const rate = (v.schedule && ratesByVersion.get(v.schedule.versionId)) ?? new Dec(0);
    const interest = recoveryInterest(decimal(v.excess), rate, chargedOn, refundOn, currency);
    const total = decimal(v.excess).add(interest);
    lines.push({
      refundsLine: i + 1,
      description: `refund of line ${i + 1} (${refusing.map((f) => f.code).join(', ')}, ${v.schedule?.instrument ?? ''})`,
      code: v.code,
      quantity: '1',
      unitPrice: moneyString(total, currency),
      taxRate: '0',
      excess: v.excess,
      interest: moneyString(interest, currency),
    });
  });
  if (lines.length === 0) return { ok: false, code: 'NoOvercharge' };
  const sum = (f: (l: RefundLine) => string) => lines.reduce<D>((a, l) => a.add(f(l)), new Dec(0));
  return {
    ok: true,
    lines,
    excess: moneyString(
      sum((l) => l.excess),
      currency,
    ),
    interest: moneyString(
      sum((l) => l.interest),
      currency,
    ),
    total: moneyString(
      sum((l) => l.unitPrice),
      currency,
    ),
  };
}
