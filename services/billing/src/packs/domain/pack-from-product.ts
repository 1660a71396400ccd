import { isValidGtin } from '@uhr/platform';
import { decimal, plain, type Dec } from '../../pricing/domain/money.js';

export const PRODUCT_REGISTERED = 'drug-trace.ProductRegistered';

/** What billing reads of drug-trace.ProductRegistered v1 (its product master data). */
export interface RegisteredProduct {
  gtin: string;
  nationalCode: string | null;
  unitsPerPack: number | null;
}

/** Where a pack mapping came from: a published schedule (its import columns) or drug-trace's master data. */
export type PackSource = 'import' | 'drug-trace';

export interface MappedPack {
  code: string;
  unitsPerPack: Dec;
  source: PackSource;
}

/** What the decision needs to know: is the national code an entry's code, and is the GTIN mapped already. */
export interface PackFacts {
  entryExists: boolean;
  mapped: MappedPack | undefined;
}

export type IgnoredReason = 'no-national-code' | 'no-units-per-pack' | 'not-an-entry' | 'invalid-gtin';

export type PackDecision =
  | { kind: 'PackMapped'; gtin: string; code: string; unitsPerPack: Dec }
  | { kind: 'AlreadyMapped'; gtin: string }
  | { kind: 'PackConflicted'; gtin: string; code: string; unitsPerPack: Dec; mapped: MappedPack }
  | { kind: 'Ignored'; gtin: string; reason: IgnoredReason };

/**
 * A registered product's pack barcode → its schedule entry (national code) × units per pack. The first mapping
 * of a GTIN is kept: the same again changes nothing, a different one is a conflict to show, never an overwrite
 * (invoices already priced by the first must price the same when verified later).
 */
export function decidePackFromProduct(p: RegisteredProduct, facts: PackFacts): PackDecision {
  const gtin = p.gtin;
  if (!/^\d{14}$/.test(gtin) || !isValidGtin(gtin)) return { kind: 'Ignored', gtin, reason: 'invalid-gtin' };
  if (p.nationalCode === null || p.nationalCode === '') return { kind: 'Ignored', gtin, reason: 'no-national-code' };
  if (p.unitsPerPack === null || !Number.isInteger(p.unitsPerPack) || p.unitsPerPack <= 0)
    return { kind: 'Ignored', gtin, reason: 'no-units-per-pack' };
  if (!facts.entryExists) return { kind: 'Ignored', gtin, reason: 'not-an-entry' };
  const code = p.nationalCode;
  const unitsPerPack = decimal(String(p.unitsPerPack));
  const m = facts.mapped;
  if (!m) return { kind: 'PackMapped', gtin, code, unitsPerPack };
  if (m.code === code && m.unitsPerPack.eq(unitsPerPack)) return { kind: 'AlreadyMapped', gtin };
  return { kind: 'PackConflicted', gtin, code, unitsPerPack, mapped: m };
}

/** How a mapping reads in a log line or a conflict row: `code × units`. */
export const packText = (code: string, units: Dec) => `${code} × ${plain(units)}`;
