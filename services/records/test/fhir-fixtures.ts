/** Fixed FHIR R4 resources, valid and invalid (issue 15's cases), for the validator's tests and bench. */
export const PATIENT = '7d3c1a52-5b0e-4f64-9d7a-2c1f0e9b8a11';
const subject = { reference: `Patient/${PATIENT}` };

export const VALID = {
  observation: {
    resourceType: 'Observation',
    status: 'final',
    category: [
      {
        coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'laboratory' }],
      },
    ],
    code: { coding: [{ system: 'http://loinc.org', code: '718-7', display: 'Hemoglobin [Mass/volume] in Blood' }] },
    subject,
    effectiveDateTime: '2026-11-30T09:15:00Z',
    valueQuantity: { value: 13.6, unit: 'g/dL', system: 'http://unitsofmeasure.org', code: 'g/dL' },
    referenceRange: [{ low: { value: 12, unit: 'g/dL' }, high: { value: 16, unit: 'g/dL' } }],
  },
  immunization: {
    resourceType: 'Immunization',
    status: 'completed',
    vaccineCode: { coding: [{ system: 'http://hl7.org/fhir/sid/cvx', code: '03', display: 'MMR' }] },
    patient: subject,
    occurrenceDateTime: '2026-10-01',
    lotNumber: 'AB1234',
  },
  condition: {
    resourceType: 'Condition',
    clinicalStatus: {
      coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }],
    },
    code: { text: 'Type 2 diabetes mellitus' },
    subject,
    onsetDateTime: '2024-05',
  },
  allergy: {
    resourceType: 'AllergyIntolerance',
    patient: subject,
    criticality: 'high',
    code: { text: 'Penicillin' },
    reaction: [{ manifestation: [{ text: 'Hives' }], severity: 'moderate' }],
  },
  medicationRequest: {
    resourceType: 'MedicationRequest',
    status: 'active',
    intent: 'order',
    medicationReference: { reference: '#med1' },
    contained: [{ resourceType: 'Medication', id: 'med1', code: { text: 'Metformin 500 mg' } }],
    subject,
    dosageInstruction: [
      { text: 'one tablet twice a day', timing: { repeat: { frequency: 2, period: 1, periodUnit: 'd' } } },
    ],
  },
  /** A required primitive given only by its extension element (`_status`) is present. */
  statusByExtension: {
    resourceType: 'Observation',
    _status: { extension: [{ url: 'http://example.org/data-absent', valueCode: 'unknown' }] },
    code: { text: 'Hb' },
    subject,
  },
};

export const INVALID = {
  /** Issue 15: no status or code, an unknown element, wrong types. */
  observationBroken: {
    resourceType: 'Observation',
    subject,
    valueQuantity: { value: 'high' },
    interpretationNote: 'not an R4 element',
  },
  observationWrongTypes: {
    resourceType: 'Observation',
    status: 5,
    code: 'Hb',
    subject,
    effectiveDateTime: 'yesterday',
  },
  /** Issue 15: `patient` instead of `subject`. */
  observationWithPatient: { resourceType: 'Observation', status: 'final', code: { text: 'Hb' }, patient: subject },
  /** Issue 15: `subject` instead of `patient`. */
  immunizationWithSubject: {
    resourceType: 'Immunization',
    status: 'completed',
    vaccineCode: { text: 'MMR' },
    occurrenceDateTime: '2026-10-01',
    subject,
  },
  observationCardinality: {
    resourceType: 'Observation',
    status: ['final'],
    category: { text: 'laboratory' },
    code: { coding: [] },
    subject,
  },
  observationBadCode: { resourceType: 'Observation', status: 'done', code: { text: 'Hb' }, subject },
  observationOtherPatient: {
    resourceType: 'Observation',
    status: 'final',
    code: { text: 'Hb' },
    subject: { reference: 'Patient/someone-else' },
  },
  containedBroken: {
    resourceType: 'MedicationRequest',
    status: 'active',
    intent: 'order',
    medicationReference: { reference: '#med1' },
    contained: [{ resourceType: 'Medication', id: 'med1', colour: 'white' }],
    subject,
  },
};
