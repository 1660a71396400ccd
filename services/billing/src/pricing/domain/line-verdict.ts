import { Dec, HUNDRED, plain, roundExcess, roundMinor, moneyString, type Dec as D } from './money.js';
import {
  entryInForce,
  isCountedUnit,
  type PackMapping,
  type Regime,
  type ScheduleEntry,
  type ScheduleRef,
  type ScheduleVersion,
} from './schedule.js';

export const VERDICT_CODES = [
  'ABOVE_CEILING',
  'ABOVE_LABEL_MRP',
  'UNKNOWN_CODE',
  'INVALID_QUANTITY',
  'CURRENCY_MISMATCH',
  'TAX_RATE_MISMATCH',
  'DEVICE_DETAILS_MISSING',
] as const;
export type VerdictCode = (typeof VERDICT_CODES)[number];

/** A line as the hospital wrote it; amounts already parsed from strings (money.ts `decimal`). */
export interface PricedLine {
  /** The schedule code, or a pack barcode mapped to one (then quantity and prices are per pack). */
  code?: string;
  gtin?: string;
  quantity: D;
  /** Net of tax, per line unit (a pack when `gtin`, else the regulated unit). */
  unitPrice: D;
  /** Percent. */
  taxRate: D;
  currency: string;
  /** The MRP printed on the pack, inclusive of tax, per line unit. */
  labelMrp?: D;
  device?: { batch?: string; brand?: string; maker?: string };
}

export interface Finding {
  code: VerdictCode;
  /** True when the line may not be issued with this finding. */
  refusing: boolean;
  message: string;
  /** The amount above the cap, for ABOVE_CEILING / ABOVE_LABEL_MRP (rounded up to the minor unit). */
  excess?: string;
  schedule?: ScheduleRef;
}

/** A line's verdict: amounts as strings (minor-unit for money), findings citing the version and instrument. */
export interface LineVerdict {
  status: 'ACCEPTED' | 'REFUSED';
  findings: Finding[];
  code?: string;
  regime?: Regime;
  schedule?: ScheduleRef;
  /** Quantity in the regulated unit (packs × units per pack). */
  units?: string;
  net: string;
  tax: string;
  gross: string;
  /** What the line may cost at most, gross, exact and unrounded (min of ceiling + tax and label MRP). */
  allowedGross?: string;
  /** Gross charged above the allowance, rounded up to the minor unit; "0.00" when within. */
  excess: string;
}

export interface PricingContext {
  versions: readonly ScheduleVersion[];
  packs: ReadonlyMap<string, PackMapping>;
  currency: string;
  /** The invoice date: the price in force then applies. */
  invoicedAt: Date;
}

const pct = (rate: D) => rate.div(HUNDRED);

/**
 * Prices one line against the schedule in force on the invoice date. Rule: a line is over a cap iff its EXACT
 * gross (unit price × quantity × (1 + tax)) exceeds the EXACT allowance; rounding of the billed totals (half
 * up to the minor unit) is never by itself an overcharge, and an excess is rounded up so it is never 0.00.
 */
export function verdictOf(line: PricedLine, ctx: PricingContext): LineVerdict {
  const totals = billedTotals(line, ctx.currency);
  const resolved = resolveCode(line, ctx);
  if ('finding' in resolved) return refused(totals, [resolved.finding], ctx.currency);
  const { version, entry, unitsPerLineUnit } = resolved;
  const ref: ScheduleRef = { versionId: version.versionId, instrument: version.instrument };
  const cite = { code: entry.code, regime: entry.regime, schedule: ref };
  const preconditions = checkPreconditions(line, entry, version, unitsPerLineUnit, ref);
  if (preconditions.some((f) => f.code === 'INVALID_QUANTITY' || f.code === 'CURRENCY_MISMATCH')) {
    return { ...refused(totals, preconditions, ctx.currency), ...cite };
  }
  const caps = capsOf(line, entry, unitsPerLineUnit, ref, ctx.currency);
  const findings = [...preconditions, ...caps.findings];
  return {
    status: findings.some((f) => f.refusing) ? 'REFUSED' : 'ACCEPTED',
    findings,
    ...cite,
    units: plain(line.quantity.mul(unitsPerLineUnit)),
    ...totals,
    allowedGross: plain(caps.allowed),
    excess: moneyString(caps.excess, ctx.currency),
  };
}

/** Net rounded half up; tax on the rounded net, rounded half up; gross = net + tax. */
export function billedTotals(line: PricedLine, currency: string): { net: string; tax: string; gross: string } {
  const net = roundMinor(line.unitPrice.mul(line.quantity), currency);
  const tax = roundMinor(net.mul(pct(line.taxRate)), currency);
  return {
    net: moneyString(net, currency),
    tax: moneyString(tax, currency),
    gross: moneyString(net.add(tax), currency),
  };
}

function refused(
  totals: { net: string; tax: string; gross: string },
  findings: Finding[],
  currency: string,
): LineVerdict {
  return { status: 'REFUSED', findings, ...totals, excess: moneyString(new Dec(0), currency) };
}

type Resolved = { version: ScheduleVersion; entry: ScheduleEntry; unitsPerLineUnit: D } | { finding: Finding };

function resolveCode(line: PricedLine, ctx: PricingContext): Resolved {
  const pack = line.gtin === undefined ? undefined : ctx.packs.get(line.gtin);
  if (line.gtin !== undefined && !pack) {
    return { finding: unknown(`pack barcode ${line.gtin} is not mapped to a schedule entry`) };
  }
  const code = pack?.code ?? line.code ?? '';
  const hit = entryInForce(ctx.versions, code, ctx.invoicedAt);
  if (!hit) return { finding: unknown(`no schedule entry for ${code} is in force on ${ctx.invoicedAt.toISOString()}`) };
  return { ...hit, unitsPerLineUnit: pack?.unitsPerPack ?? new Dec(1) };
}

const unknown = (message: string): Finding => ({ code: 'UNKNOWN_CODE', refusing: true, message });

function checkPreconditions(
  line: PricedLine,
  entry: ScheduleEntry,
  version: ScheduleVersion,
  unitsPerLineUnit: D,
  schedule: ScheduleRef,
): Finding[] {
  const out: Finding[] = [];
  const f = (code: VerdictCode, message: string) => out.push({ code, refusing: true, message, schedule });
  const units = line.quantity.mul(unitsPerLineUnit);
  if (line.quantity.lte(0)) f('INVALID_QUANTITY', `quantity must be positive, got ${plain(line.quantity)}`);
  else if (line.gtin !== undefined && !line.quantity.isInteger()) {
    f('INVALID_QUANTITY', `a pack is counted whole, got ${plain(line.quantity)} packs`);
  } else if (isCountedUnit(entry.unit) && !units.isInteger()) {
    f('INVALID_QUANTITY', `${entry.unit} is counted whole, got ${plain(units)}`);
  }
  if (line.currency !== version.currency) {
    f('CURRENCY_MISMATCH', `the line is in ${line.currency}, the schedule in ${version.currency}`);
  }
  if (!line.taxRate.eq(entry.taxRate)) {
    f('TAX_RATE_MISMATCH', `tax ${plain(line.taxRate)}% on the line, ${plain(entry.taxRate)}% applies`);
  }
  const d = line.device;
  if (entry.deviceDetailsRequired && !(d?.batch && d.brand && d.maker)) {
    f('DEVICE_DETAILS_MISSING', `${entry.code} is a device: batch, brand and maker must be itemised`);
  }
  return out;
}

/** The ceiling (+ tax when tax-exclusive) and the label MRP, each as an exact gross allowance for the line. */
function capsOf(line: PricedLine, entry: ScheduleEntry, unitsPerLineUnit: D, schedule: ScheduleRef, currency: string) {
  const units = line.quantity.mul(unitsPerLineUnit);
  const charged = line.unitPrice.mul(line.quantity).mul(pct(line.taxRate).add(1));
  const ceilingNet = entry.ceilingPerUnit.mul(units);
  const ceiling = entry.taxInclusive ? ceilingNet : ceilingNet.mul(pct(entry.taxRate).add(1));
  const mrp = line.labelMrp?.mul(line.quantity);
  const allowed = mrp && mrp.lt(ceiling) ? mrp : ceiling;
  const findings: Finding[] = [];
  if (charged.gt(ceiling)) {
    findings.push({
      code: 'ABOVE_CEILING',
      refusing: entry.regime === 'HARD_CAP',
      message: `gross ${plain(charged)} is above the ceiling ${plain(ceiling)} (${plain(entry.ceilingPerUnit)} per ${entry.unit}${entry.taxInclusive ? ', tax included' : ` + ${plain(entry.taxRate)}% tax`})`,
      excess: moneyString(roundExcess(charged.sub(ceiling), currency), currency),
      schedule,
    });
  }
  if (mrp && charged.gt(mrp)) {
    findings.push({
      code: 'ABOVE_LABEL_MRP',
      refusing: true,
      message: `gross ${plain(charged)} is above the label MRP ${plain(mrp)}`,
      excess: moneyString(roundExcess(charged.sub(mrp), currency), currency),
      schedule,
    });
  }
  const over = charged.gt(allowed) ? roundExcess(charged.sub(allowed), currency) : new Dec(0);
  return { findings, allowed, excess: over };
}
