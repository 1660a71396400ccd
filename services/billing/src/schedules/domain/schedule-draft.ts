import { gs1CheckDigit, isValidGtin } from '@uhr/platform';
import { id } from 'ethers';
import { decimal, isKnownCurrency, type Dec } from '../../pricing/domain/money.js';
import {
  REGIMES,
  REGULATED_UNITS,
  type PackMapping,
  type Regime,
  type RegulatedUnit,
  type ScheduleEntry,
} from '../../pricing/domain/schedule.js';
import { isCalendarDate, isTimeZone, type EffectivePeriod } from '../../pricing/domain/zoned-date.js';
import { ungroup } from './grouped-number.js';

/** What a regulator publishes, before it has an id: the header and its rows. */
export interface ScheduleHeader {
  instrument: string;
  timeZone: string;
  currency: string;
  period: EffectivePeriod;
  recoveryInterestRate: string;
  supersedes?: string;
}

/** A row of an official list (or of a JSON publication), as text. Row numbers count the file's lines from 1. */
export type RawRow = { row: number; cells: Readonly<Record<string, string | undefined>> };

export interface RowProblem {
  row: number;
  field: string;
  reason: string;
}

export interface ParsedSchedule {
  entries: ScheduleEntry[];
  packs: PackMapping[];
}

const CODE = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,63}$/;
const GTIN = /^\d{14}$/;
const YES = new Set(['true', 'yes', 'y', '1']);
const NO = new Set(['false', 'no', 'n', '0', '']);

/** Checks the header; each problem names its field (row 0). */
export function headerProblems(h: ScheduleHeader): RowProblem[] {
  const out: RowProblem[] = [];
  const p = (field: string, reason: string) => out.push({ row: 0, field, reason });
  if (!h.instrument.trim()) p('instrument', 'the legal instrument is required (e.g. "S.O. 1488(E)")');
  if (!isTimeZone(h.timeZone)) p('timeZone', 'an IANA time zone (e.g. Asia/Kolkata)');
  if (!isKnownCurrency(h.currency)) p('currency', 'a supported ISO 4217 currency');
  if (!isCalendarDate(h.period.from)) p('effectiveFrom', 'a calendar date YYYY-MM-DD');
  if (h.period.to !== undefined && !isCalendarDate(h.period.to)) p('effectiveTo', 'a calendar date YYYY-MM-DD');
  else if (h.period.to !== undefined && h.period.to <= h.period.from) p('effectiveTo', 'must be after effectiveFrom');
  if (amountOf(h.recoveryInterestRate, 4, '100') === undefined) p('recoveryInterestRate', 'a percent from 0 to 100');
  return out;
}

/** All rows or none: the entries and pack mappings, or every problem found (each with its row and field). */
export function parseRows(rows: readonly RawRow[]): ParsedSchedule | { problems: RowProblem[] } {
  const problems: RowProblem[] = [];
  const entries: ScheduleEntry[] = [];
  const packs: PackMapping[] = [];
  const seenCodes = new Map<string, number>();
  const seenGtins = new Map<string, number>();
  if (rows.length === 0) problems.push({ row: 0, field: 'entries', reason: 'a schedule needs at least one entry' });
  for (const r of rows) {
    const parsed = rowOf(r, problems);
    if (!parsed) continue;
    if (once(seenCodes, parsed.entry.code, r.row, 'code', problems)) entries.push(parsed.entry);
    if (parsed.pack && once(seenGtins, parsed.pack.gtin, r.row, 'gtin', problems)) packs.push(parsed.pack);
  }
  return problems.length > 0 ? { problems } : { entries, packs };
}

function once(seen: Map<string, number>, key: string, row: number, field: string, problems: RowProblem[]): boolean {
  const first = seen.get(key);
  if (first !== undefined) problems.push({ row, field, reason: `${key} already appears in row ${first}` });
  else seen.set(key, row);
  return first === undefined;
}

function rowOf(r: RawRow, problems: RowProblem[]): { entry: ScheduleEntry; pack?: PackMapping } | undefined {
  const before = problems.length;
  const bad = (field: string, reason: string) => problems.push({ row: r.row, field, reason });
  const cell = (name: string) => (r.cells[name] ?? '').trim();
  const code = cell('code') || mintedCode(cell('name'), cell('strength'), cell('unit'));
  if (!CODE.test(code)) bad('code', 'letters, digits and ._:/- (1–64), or a name (with strength) to mint one from');
  const unit = cell('unit').toUpperCase() as RegulatedUnit;
  if (!REGULATED_UNITS.includes(unit)) bad('unit', `one of ${REGULATED_UNITS.join(', ')}`);
  const ceiling = amountOf(cell('ceiling_per_unit'), 5);
  if (!ceiling || ceiling.lte(0))
    bad('ceiling_per_unit', 'a positive amount with at most 5 decimals ("1,13,950", "0.17935")');
  // Lists write "12" or "12%".
  const taxRate = amountOf(cell('tax_rate').replace(/\s*%$/, ''), 3, '100');
  if (!taxRate) bad('tax_rate', 'a percent from 0 to 100 with at most 3 decimals');
  const regime = (cell('regime') || 'HARD_CAP').toUpperCase() as Regime;
  if (!REGIMES.includes(regime)) bad('regime', `one of ${REGIMES.join(', ')}`);
  const taxInclusive = flag(cell('tax_inclusive'), 'tax_inclusive', bad);
  const device = flag(cell('device_details_required'), 'device_details_required', bad);
  const pack = packOf(cell('gtin'), cell('units_per_pack'), code, bad);
  if (problems.length > before) return undefined;
  const entry: ScheduleEntry = {
    code,
    description: cell('description') || [cell('name'), cell('strength')].filter(Boolean).join(' '),
    unit,
    ceilingPerUnit: ceiling!,
    taxInclusive: taxInclusive!,
    taxRate: taxRate!,
    regime,
    deviceDetailsRequired: device!,
  };
  return { entry, pack };
}

/**
 * NPPA's lists carry no product code, only the formulation's name, strength and unit: UHR mints a stable code
 * from them (the same formulation in next year's revision gets the same code, so the revision supersedes it).
 */
export function mintedCode(name: string, strength: string, unit: string): string {
  const norm = (s: string) => s.toLowerCase().replace(/\s+/g, ' ').trim();
  if (!norm(name)) return '';
  return `UHR-${id(`${norm(name)}|${norm(strength)}|${norm(unit)}`)
    .slice(2, 14)
    .toUpperCase()}`;
}

function flag(text: string, field: string, bad: (f: string, r: string) => void): boolean | undefined {
  const t = text.toLowerCase();
  if (YES.has(t)) return true;
  if (NO.has(t)) return false;
  bad(field, 'yes/no (true/false, 1/0)');
  return undefined;
}

function packOf(
  gtin: string,
  units: string,
  code: string,
  bad: (f: string, r: string) => void,
): PackMapping | undefined {
  if (!gtin && !units) return undefined;
  const gtinOk = GTIN.test(gtin) && isValidGtin(gtin);
  if (!GTIN.test(gtin)) bad('gtin', 'a 14-digit GTIN');
  else if (!gtinOk) bad('gtin', `${gtin} has a wrong GS1 check digit (${gs1CheckDigit(gtin.slice(0, -1))} expected)`);
  const n = amountOf(units, 5);
  if (!n || n.lte(0)) bad('units_per_pack', 'a positive number of regulated units in the pack');
  return n && gtinOk ? { gtin, code, unitsPerPack: n } : undefined;
}

/** An unsigned amount (grouped or plain) with at most `scale` decimals, at most `max`. */
export function amountOf(text: string, scale: number, max?: string): Dec | undefined {
  const plainText = ungroup(text);
  if (plainText === undefined) return undefined;
  let d: Dec;
  try {
    d = decimal(plainText);
  } catch {
    return undefined;
  }
  return d.decimalPlaces() > scale || (max !== undefined && d.gt(max)) ? undefined : d;
}
