import { DONOR_ABO, type DonorAbo } from '../../matching/domain/abo.js';
import type { GeoPoint } from '../../matching/domain/geo.js';
import { typingProblems, type HlaTyping } from '../../matching/domain/hla.js';
import type { MatchOrgan } from '../../matching/domain/match-run.js';
import { ORGAN_TYPES, type OrganType } from '../../matching/domain/policy.js';

export const LATERALITIES = ['left', 'right', 'en-bloc', 'none'] as const;
export type Laterality = (typeof LATERALITIES)[number];
const PAIRED: readonly OrganType[] = ['kidney', 'lung'];

export interface Hospital {
  readonly id: string;
  readonly name: string;
  readonly location: GeoPoint;
}

/** An organ as the registry records it: clinical fields and the opaque donor id, never the donor's identity. */
export interface Organ {
  readonly id: string;
  readonly donorId: string;
  readonly type: OrganType;
  readonly laterality: Laterality;
  readonly abo: DonorAbo;
  readonly hla: HlaTyping;
  /** Epoch ms: cold ischemia starts here. */
  readonly crossClampAt: number;
  readonly kdpi?: number;
  readonly procurementHospital: Hospital;
  /** Epoch ms, once it has reached the transplant centre. */
  readonly arrivedAt?: number;
}

/** Every rule an organ's fields break, each naming the field. */
export function organProblems(o: Organ, now: number): string[] {
  const problems = typingProblems(o.hla, 'hla');
  if (!ORGAN_TYPES.includes(o.type)) problems.push(`type: one of ${ORGAN_TYPES.join(', ')}`);
  if (!DONOR_ABO.includes(o.abo)) problems.push(`abo: one of ${DONOR_ABO.join(', ')}`);
  if (PAIRED.includes(o.type) && o.laterality === 'none')
    problems.push(`laterality: left, right or en-bloc for a ${o.type}`);
  if (!PAIRED.includes(o.type) && o.laterality !== 'none') problems.push(`laterality: none for a ${o.type}`);
  if (o.type === 'kidney' && (o.kdpi === undefined || !Number.isInteger(o.kdpi) || o.kdpi < 0 || o.kdpi > 100))
    problems.push('kdpi: an integer 0–100 for a kidney');
  if (o.type !== 'kidney' && o.kdpi !== undefined) problems.push('kdpi: kidneys only');
  if (!Number.isFinite(o.crossClampAt) || o.crossClampAt > now) problems.push('crossClampAt: in the future');
  return problems;
}

/** Arrival at the transplant centre: never before the cross-clamp, never in the future. */
export function arrivalProblems(o: Organ, arrivedAt: number, now: number): string[] {
  if (o.arrivedAt !== undefined) return ['arrivedAt: the organ has already arrived'];
  if (arrivedAt < o.crossClampAt) return ['arrivedAt: before the cross-clamp time (clamp after arrival)'];
  if (arrivedAt > now) return ['arrivedAt: in the future'];
  return [];
}

export function matchOrganOf(o: Organ): MatchOrgan {
  return {
    id: o.id,
    type: o.type,
    abo: o.abo,
    hla: o.hla,
    ...(o.kdpi === undefined ? {} : { kdpi: o.kdpi }),
    location: o.procurementHospital.location,
  };
}

const SNOMED: Record<OrganType, [string, string]> = {
  kidney: ['64033007', 'Kidney structure'],
  liver: ['10200004', 'Liver structure'],
  heart: ['80891009', 'Heart structure'],
  lung: ['39607008', 'Lung structure'],
  pancreas: ['15776009', 'Pancreatic structure'],
  intestine: ['30315005', 'Small intestine structure'],
};
const EXT = 'https://uhr.example.org/fhir/StructureDefinition';

/** The organ as a FHIR R4 BiologicallyDerivedProduct (ABO, HLA, KDPI and laterality as extensions). */
export function fhirOrgan(o: Organ) {
  const [code, display] = SNOMED[o.type];
  return {
    resourceType: 'BiologicallyDerivedProduct',
    id: o.id,
    identifier: [{ system: 'urn:uhr:organ', value: o.id }],
    productCategory: 'organ',
    productCode: { coding: [{ system: 'http://snomed.info/sct', code, display }], text: `${o.type} (${o.laterality})` },
    status: 'available',
    quantity: 1,
    collection: {
      source: { identifier: { system: 'urn:uhr:donor', value: o.donorId } },
      collectedDateTime: new Date(o.crossClampAt).toISOString(),
    },
    extension: [
      { url: `${EXT}/organ-laterality`, valueCode: o.laterality },
      { url: `${EXT}/abo-subtype`, valueCode: o.abo },
      { url: `${EXT}/hla-typing`, valueString: JSON.stringify(o.hla) },
      ...(o.kdpi === undefined ? [] : [{ url: `${EXT}/kdpi`, valueInteger: o.kdpi }]),
      { url: `${EXT}/procurement-hospital`, valueString: o.procurementHospital.name },
    ],
  };
}
