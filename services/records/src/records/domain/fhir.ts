/**
 * The FHIR R4 edge of the records service: which resources a provider may upload and the DocumentReference that
 * describes an uploaded file. Only shape checks UHR relies on (resourceType, subject) — full profile validation
 * belongs to the provider's EHR.
 */

export const FHIR_RESOURCE_TYPES = [
  'Observation',
  'DiagnosticReport',
  'Condition',
  'MedicationStatement',
  'MedicationRequest',
  'AllergyIntolerance',
  'Immunization',
  'Procedure',
  'Encounter',
  'DocumentReference',
] as const;

export const FILE_CONTENT_TYPES = ['application/pdf', 'image/png', 'image/jpeg', 'image/dicom', 'text/plain'] as const;

export interface FhirProblem {
  field: string;
  message: string;
}

/** Field errors for a FHIR resource uploaded for `patientId`; empty when acceptable. */
export function fhirProblems(resource: unknown, patientId: string): FhirProblem[] {
  if (typeof resource !== 'object' || resource === null || Array.isArray(resource)) {
    return [{ field: 'fhir', message: 'fhir must be a FHIR R4 resource object' }];
  }
  const r = resource as Record<string, unknown>;
  const problems: FhirProblem[] = [];
  if (typeof r.resourceType !== 'string' || !(FHIR_RESOURCE_TYPES as readonly string[]).includes(r.resourceType)) {
    problems.push({
      field: 'fhir.resourceType',
      message: `resourceType must be one of ${FHIR_RESOURCE_TYPES.join(', ')}`,
    });
  }
  // Immunization/AllergyIntolerance name the person `patient`, the others `subject`.
  const ref = (r.subject ?? r.patient) as { reference?: unknown } | undefined;
  const expected = `Patient/${patientId}`;
  if (typeof ref !== 'object' || ref === null || typeof ref.reference !== 'string') {
    problems.push({ field: 'fhir.subject', message: `subject.reference is required (${expected})` });
  } else if (ref.reference !== expected) {
    problems.push({
      field: 'fhir.subject',
      message: `subject.reference must be ${expected}, the patient the record is for`,
    });
  }
  return problems;
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
