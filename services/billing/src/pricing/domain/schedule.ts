import type { Dec } from './money.js';
import { inPeriod, localDateOf, type EffectivePeriod } from './zoned-date.js';

/** The unit a ceiling is priced in (NPPA: "1 Tablet", "1 ML", "1 GM", "Each Pack"); TABLET and EACH are counted. */
export const REGULATED_UNITS = ['TABLET', 'CAPSULE', 'ML', 'GM', 'EACH'] as const;
export type RegulatedUnit = (typeof REGULATED_UNITS)[number];
export const isCountedUnit = (u: RegulatedUnit): boolean => u === 'TABLET' || u === 'CAPSULE' || u === 'EACH';

/** HARD_CAP: nobody may charge above it (India's DPCO). REFERENCE_PRICE: the payer pays up to it, the patient the rest (Germany's Festbetrag). */
export const REGIMES = ['HARD_CAP', 'REFERENCE_PRICE'] as const;
export type Regime = (typeof REGIMES)[number];

/** One regulated item in one schedule version. */
export interface ScheduleEntry {
  code: string;
  description: string;
  unit: RegulatedUnit;
  /** Ceiling per regulated unit, exact ("0.17935"). */
  ceilingPerUnit: Dec;
  /** False (India): the ceiling excludes GST, which is added at `taxRate`; true: the ceiling is the gross price. */
  taxInclusive: boolean;
  /** Percent ("12", "5"), the rate a line for this item must carry. */
  taxRate: Dec;
  regime: Regime;
  /** Devices (stents, implants): lines must itemise batch, brand and maker. */
  deviceDetailsRequired: boolean;
}

/** What a line's verdict cites: the legal instrument and the version it was priced against. */
export interface ScheduleRef {
  versionId: string;
  instrument: string;
}

export interface ScheduleVersion extends ScheduleRef {
  regulator: string;
  timeZone: string;
  currency: string;
  period: EffectivePeriod;
  /** Annual simple interest (percent) on recovered overcharges, e.g. 15 under s.7A of India's ECA; 0 for none. */
  recoveryInterestRate: Dec;
  supersedes?: string;
  entries: ReadonlyMap<string, ScheduleEntry>;
}

/** A pack barcode's meaning: so many regulated units of one entry (a strip of 10 tablets, a 100 mL bottle). */
export interface PackMapping {
  gtin: string;
  code: string;
  unitsPerPack: Dec;
}

/**
 * The entry in force for `code` at `instant`: in the version whose period holds the instant's date in that
 * regulator's zone. The database forbids overlapping periods for one code, so there is at most one. The date is
 * the invoice's, never the batch's: a revision binds stock already on the shelf.
 */
export function entryInForce(
  versions: readonly ScheduleVersion[],
  code: string,
  instant: Date,
): { version: ScheduleVersion; entry: ScheduleEntry } | undefined {
  for (const version of versions) {
    const entry = version.entries.get(code);
    if (entry && inPeriod(localDateOf(instant, version.timeZone), version.period)) return { version, entry };
  }
  return undefined;
}
