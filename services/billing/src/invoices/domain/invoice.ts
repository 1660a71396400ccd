import { Dec, decimal, moneyString, type Dec as D } from '../../pricing/domain/money.js';
import type { LineVerdict, PricedLine } from '../../pricing/domain/line-verdict.js';

/** A line as the hospital wrote it: every amount a decimal string, as stored and hashed. */
export interface InvoiceLine {
  code?: string;
  gtin?: string;
  description?: string;
  quantity: string;
  unitPrice: string;
  taxRate: string;
  labelMrp?: string;
  device?: { batch?: string; brand?: string; maker?: string };
}

export type InvoiceKind = 'INVOICE' | 'CREDIT_NOTE';
export type InvoiceStatus = 'DRAFT' | 'ISSUED';

export interface Invoice {
  id: string;
  kind: InvoiceKind;
  status: InvoiceStatus;
  providerSubject: string;
  patientId: string;
  category: string;
  currency: string;
  invoicedAt: string;
  lines: InvoiceLine[];
  verdicts: LineVerdict[] | null;
  credits: string | null;
}

export interface Totals {
  net: string;
  tax: string;
  gross: string;
  excess: string;
}

export function pricedLineOf(l: InvoiceLine, currency: string): PricedLine {
  return {
    code: l.code,
    gtin: l.gtin,
    quantity: decimal(l.quantity),
    unitPrice: decimal(l.unitPrice),
    taxRate: decimal(l.taxRate),
    currency,
    labelMrp: l.labelMrp === undefined ? undefined : decimal(l.labelMrp),
    device: l.device,
  };
}

/** Sums of the lines' rounded totals (so the invoice total is what its lines add up to, to the paisa). */
export function totalsOf(verdicts: readonly LineVerdict[], currency: string): Totals {
  const sum = (f: (v: LineVerdict) => string) => verdicts.reduce<D>((acc, v) => acc.add(f(v)), new Dec(0));
  return {
    net: moneyString(
      sum((v) => v.net),
      currency,
    ),
    tax: moneyString(
      sum((v) => v.tax),
      currency,
    ),
    gross: moneyString(
      sum((v) => v.gross),
      currency,
    ),
    excess: moneyString(
      sum((v) => v.excess),
      currency,
    ),
  };
}

export type IssueDecision =
  | { ok: true; totals: Totals }
  | {
      ok: false;
      code: 'InvoiceNotDraft' | 'InvoiceRefused';
      reasons: Array<{ line: number; findings: LineVerdict['findings'] }>;
    };

/**
 * An invoice may be issued once, as a draft, and only when no line is refused (a hard-cap excess, a label MRP
 * excess, an unknown code, a bad quantity, currency or tax rate, a device without its details).
 */
export function decideIssue(invoice: Invoice, verdicts: readonly LineVerdict[]): IssueDecision {
  if (invoice.status !== 'DRAFT') return { ok: false, code: 'InvoiceNotDraft', reasons: [] };
  const reasons = verdicts
    .map((v, i) => ({ line: i + 1, findings: v.findings.filter((f) => f.refusing), status: v.status }))
    .filter((r) => r.status === 'REFUSED')
    .map(({ line, findings }) => ({ line, findings }));
  if (reasons.length > 0) return { ok: false, code: 'InvoiceRefused', reasons };
  return { ok: true, totals: totalsOf(verdicts, invoice.currency) };
}
