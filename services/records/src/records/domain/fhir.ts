import { fhirR4Validator, type FhirIssue } from './fhir-r4/fhir-r4-validator.js';

/**
 * The FHIR R4 edge of the records service: which resources a provider may upload, each validated as R4 (ADR 0018:
 * structure, cardinality, types, unknown elements) and naming the record's patient in the element its type uses,
 * and the DocumentReference that describes an uploaded file.
 */

/** Each accepted resource type and the element that names its patient (R4: Immunization and AllergyIntolerance say `patient`). */
export const PATIENT_ELEMENT = {
  Observation: 'subject',
  DiagnosticReport: 'subject',
  Condition: 'subject',
  MedicationStatement: 'subject',
  MedicationRequest: 'subject',
  AllergyIntolerance: 'patient',
  Immunization: 'patient',
  Procedure: 'subject',
  Encounter: 'subject',
  DocumentReference: 'subject',
} as const;

export type FhirResourceType = keyof typeof PATIENT_ELEMENT;
export const FHIR_RESOURCE_TYPES = Object.keys(PATIENT_ELEMENT) as FhirResourceType[];

export const FILE_CONTENT_TYPES = ['application/pdf', 'image/png', 'image/jpeg', 'image/dicom', 'text/plain'] as const;

/** One refusal: `field` in the request (`fhir.status`), `path` and `rule` as FHIR names them. */
export interface FhirProblem extends FhirIssue {
  field: string;
}

/** `Observation.code.text` → `fhir.code.text`: the request field it came in. */
function fieldOf(path: string): string {
  const dot = path.indexOf('.');
  if (dot >= 0) return `fhir${path.slice(dot)}`;
  return path === 'resourceType' ? 'fhir.resourceType' : 'fhir';
}
const problemOf = (i: FhirIssue): FhirProblem => ({ field: fieldOf(i.path), ...i });

/** Field errors for a FHIR resource uploaded for `patientId`; empty when acceptable. */
export function fhirProblems(resource: unknown, patientId: string): FhirProblem[] {
  const type = (resource as { resourceType?: unknown } | null)?.resourceType;
  if (typeof type !== 'string' || !Object.hasOwn(PATIENT_ELEMENT, type)) {
    const message = `resourceType must be one of ${FHIR_RESOURCE_TYPES.join(', ')}`;
    return [{ field: 'fhir.resourceType', path: 'resourceType', rule: 'resource-type', message }];
  }
  const problems = fhirR4Validator().validate(resource).map(problemOf);
  const patient = patientProblems(resource as Record<string, unknown>, type as FhirResourceType, patientId);
  return [...problems, ...patient.filter((x) => !problems.some((y) => y.path === x.path))];
}

/** The element its type names the patient with must reference this record's patient. */
function patientProblems(r: Record<string, unknown>, type: FhirResourceType, patientId: string): FhirProblem[] {
  const element = PATIENT_ELEMENT[type];
  const path = `${type}.${element}`;
  const expected = `Patient/${patientId}`;
  const reference = (r[element] as { reference?: unknown } | undefined)?.reference;
  if (reference === expected) return [];
  const message =
    reference === undefined
      ? `${path}.reference is required: ${expected}, the patient the record is for`
      : `${path}.reference must be ${expected}, the patient the record is for`;
  return [{ field: `fhir.${element}`, path, rule: 'record-patient', message }];
}

/** The FHIR DocumentReference that describes an uploaded file. */
export function documentReferenceOf(d: {
  recordId: string;
  patientId: string;
  providerId: string;
  title: string;
  category: string;
  contentType: string;
  size: number;
  sha256: string;
  createdAt: string;
}) {
  return {
    resourceType: 'DocumentReference',
    id: d.recordId,
    status: 'current',
    type: { text: d.title },
    category: [{ coding: [{ system: 'urn:uhr:record-category', code: d.category }] }],
    subject: { reference: `Patient/${d.patientId}` },
    author: [{ reference: `Practitioner/${d.providerId}` }],
    date: d.createdAt,
    content: [
      {
        attachment: {
          contentType: d.contentType,
          size: d.size,
          hash: Buffer.from(d.sha256, 'hex').toString('base64'),
          title: d.title,
          url: `/records/${d.recordId}/read`,
        },
      },
    ],
  };
}
