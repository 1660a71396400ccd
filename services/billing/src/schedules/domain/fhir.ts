import { plain, type Dec } from '../../pricing/domain/money.js';
import type { ScheduleEntry } from '../../pricing/domain/schedule.js';
import type { StoredVersion } from '../schedule.repository.js';

export const ENTRY_CODE_SYSTEM = 'https://uhr.example/fhir/CodeSystem/billing-schedule-entry';

/**
 * One schedule entry as a FHIR R4 ChargeItemDefinition: `base` = ceiling per regulated unit, `tax` = its rate
 * (factor), the regime and tax treatment as `informational` components; `replaces` = the superseded version.
 */
export function chargeItemDefinitionOf(v: StoredVersion, e: ScheduleEntry) {
  const url = `urn:uhr:billing:schedule:${v.id}:${e.code}`;
  return {
    resourceType: 'ChargeItemDefinition',
    id: `${v.id}.${e.code}`,
    url,
    version: v.id,
    title: e.description || e.code,
    status: 'active',
    publisher: v.regulator,
    description: v.instrument,
    ...(v.supersedes ? { replaces: [`urn:uhr:billing:schedule:${v.supersedes}:${e.code}`] } : {}),
    effectivePeriod: { start: v.period.from, ...(v.period.to ? { end: v.period.to } : {}) },
    code: { coding: [{ system: ENTRY_CODE_SYSTEM, code: e.code, display: e.description || undefined }] },
    propertyGroup: [
      {
        priceComponent: [
          {
            type: 'base',
            code: { text: `per ${e.unit}${e.taxInclusive ? ', tax included' : ', tax excluded'}` },
            amount: { value: fhirDecimal(e.ceilingPerUnit), currency: v.currency },
          },
          { type: 'tax', code: { text: 'GST' }, factor: fhirDecimal(e.taxRate.div(100)) },
          { type: 'informational', code: { text: e.regime } },
          ...(e.deviceDetailsRequired ? [{ type: 'informational', code: { text: 'DEVICE_DETAILS_REQUIRED' } }] : []),
        ],
      },
    ],
  };
}

/**
 * FHIR JSON writes decimals as numbers. Ceilings have at most 18 + 5 digits but in practice under 15
 * significant ones, whose double prints back exactly ("0.17935"); the hashed leaf uses the exact string.
 */
const fhirDecimal = (d: Dec): number => Number(plain(d));
