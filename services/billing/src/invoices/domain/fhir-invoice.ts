import { ENTRY_CODE_SYSTEM } from '../../schedules/domain/fhir.js';
import type { Invoice, Totals } from './invoice.js';

const GTIN_SYSTEM = 'https://www.gs1.org/gtin';
const money = (value: string, currency: string) => ({ value: Number(value), currency });

/**
 * An invoice or credit note as a FHIR R4 Invoice: each line's billed net (`base`) and tax, its verdict's
 * schedule and instrument in the line's note-like `chargeItemCodeableConcept.text`; totals as billed.
 */
export function fhirInvoiceOf(inv: Invoice & { totals: Totals | null; issuedAt: string | null }) {
  return {
    resourceType: 'Invoice',
    id: inv.id,
    status: inv.status === 'ISSUED' ? 'issued' : 'draft',
    type: { text: inv.kind === 'CREDIT_NOTE' ? `credit note for Invoice/${inv.credits}` : 'invoice' },
    subject: { reference: `Patient/${inv.patientId}` },
    issuer: { identifier: { value: inv.providerSubject } },
    date: inv.invoicedAt,
    lineItem: inv.lines.map((l, i) => {
      const v = inv.verdicts?.[i];
      const coding = l.gtin ? { system: GTIN_SYSTEM, code: l.gtin } : { system: ENTRY_CODE_SYSTEM, code: l.code };
      const cite = v?.schedule ? `${v.status} under ${v.schedule.instrument}` : undefined;
      return {
        sequence: i + 1,
        chargeItemCodeableConcept: {
          coding: [coding],
          text: [l.description, cite].filter(Boolean).join(' — ') || undefined,
        },
        priceComponent: v
          ? [
              { type: 'base', amount: money(v.net, inv.currency) },
              { type: 'tax', amount: money(v.tax, inv.currency) },
            ]
          : [{ type: 'base', amount: money(l.unitPrice, inv.currency), factor: Number(l.quantity) }],
      };
    }),
    ...(inv.totals
      ? { totalNet: money(inv.totals.net, inv.currency), totalGross: money(inv.totals.gross, inv.currency) }
      : {}),
  };
}
