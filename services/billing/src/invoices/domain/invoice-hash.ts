import { keccak256, toUtf8Bytes } from 'ethers';
import type { Invoice, InvoiceLine, Totals } from './invoice.js';

/**
 * The issued invoice as hashed: nested arrays of strings only (money as exact decimal strings, never JSON
 * numbers), fields in a fixed order, with a random salt so a guessable invoice (patient, date, one tablet)
 * cannot be confirmed from the public anchor without the holder's QR payload.
 */
export function canonicalInvoice(inv: Invoice, totals: Totals, issuedAt: string): string {
  const line = (l: InvoiceLine) => [
    l.code ?? '',
    l.gtin ?? '',
    l.description ?? '',
    l.quantity,
    l.unitPrice,
    l.taxRate,
    l.labelMrp ?? '',
    l.device?.batch ?? '',
    l.device?.brand ?? '',
    l.device?.maker ?? '',
  ];
  return JSON.stringify([
    'uhr.billing.invoice.v1',
    inv.id,
    inv.kind,
    inv.credits ?? '',
    inv.providerSubject,
    inv.patientId,
    inv.category,
    inv.currency,
    inv.invoicedAt,
    issuedAt,
    inv.lines.map(line),
    [totals.net, totals.tax, totals.gross, totals.excess],
  ]);
}

/** keccak256 over the salt and the canonical JSON, as the Anchors stream's data hash. */
export function invoiceHash(canonical: string, salt: string): string {
  return keccak256(toUtf8Bytes(`${salt}:${canonical}`));
}

export type VerificationStatus = 'VALID' | 'HASH_MISMATCH' | 'PENDING_ANCHOR';

/** Holder's salt + the stored invoice, against what the chain holds. */
export function verificationOf(recomputed: string, anchoredHash: string, anchorConfirmed: boolean): VerificationStatus {
  if (recomputed !== anchoredHash) return 'HASH_MISMATCH';
  return anchorConfirmed ? 'VALID' : 'PENDING_ANCHOR';
}
