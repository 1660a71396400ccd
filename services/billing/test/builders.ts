import { decimal } from '../src/pricing/domain/money.js';
import type { PackMapping, ScheduleEntry, ScheduleVersion } from '../src/pricing/domain/schedule.js';

/** Test fixtures (invented prices, shaped like NPPA notifications). Not shipped: only *.spec.ts import it. */
export function anEntry(code: string, over: Partial<ScheduleEntry> = {}): ScheduleEntry {
  return {
    code,
    description: code,
    unit: 'TABLET',
    ceilingPerUnit: decimal('2.00'),
    taxInclusive: false,
    taxRate: decimal('12'),
    regime: 'HARD_CAP',
    deviceDetailsRequired: false,
    ...over,
  };
}

export function aVersion(
  versionId: string,
  from: string,
  to: string | undefined,
  entries: ScheduleEntry[],
): ScheduleVersion {
  return {
    versionId,
    instrument: `S.O. ${versionId}(E)`,
    regulator: 'NPPA',
    timeZone: 'Asia/Kolkata',
    currency: 'INR',
    period: { from, to },
    recoveryInterestRate: decimal('15'),
    entries: new Map(entries.map((e) => [e.code, e])),
  };
}

export const strip: PackMapping = { gtin: '08901234567890', code: 'PARA-500', unitsPerPack: decimal('10') };
