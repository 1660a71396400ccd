import { performance } from 'node:perf_hooks';
import { documentReferenceOf, fhirProblems } from '../src/records/domain/fhir.js';
import { fhirR4Validator } from '../src/records/domain/fhir-r4/fhir-r4-validator.js';
import { provenanceOf } from '../src/records/domain/provenance.js';
import { INVALID, PATIENT, VALID } from './fhir-fixtures.js';

const issuesOf = (r: unknown) => fhirProblems(r, PATIENT).map((p) => [p.field, p.path, p.rule]);

describe('FHIR R4 validation of uploads (ADR 0018)', () => {
  it.each(Object.entries(VALID))('accepts the valid %s', (_name, resource) => {
    expect(fhirProblems(resource, PATIENT)).toEqual([]);
  });

  it('refuses an Observation without status or code, with an unknown element and a wrong type', () => {
    expect(issuesOf(INVALID.observationBroken)).toEqual([
      ['fhir.valueQuantity.value', 'Observation.valueQuantity.value', 'type'],
      ['fhir.interpretationNote', 'Observation.interpretationNote', 'unknown-element'],
      ['fhir.code', 'Observation.code', 'required'],
      ['fhir.status', 'Observation.status', 'required'],
    ]);
    // The record's own rule is judged beside R4's: every problem in one answer.
    expect(issuesOf({ resourceType: 'Observation', subject: { reference: 'Patient/x' } })).toEqual([
      ['fhir.code', 'Observation.code', 'required'],
      ['fhir.status', 'Observation.status', 'required'],
      ['fhir.subject', 'Observation.subject', 'record-patient'],
    ]);
  });

  it('refuses wrong JSON types and formats, naming each element', () => {
    expect(issuesOf(INVALID.observationWrongTypes)).toEqual([
      ['fhir.status', 'Observation.status', 'code'],
      ['fhir.code', 'Observation.code', 'type'],
      ['fhir.effectiveDateTime', 'Observation.effectiveDateTime', 'format'],
    ]);
  });

  it('refuses an Observation naming its patient `patient` (R4 says subject)', () => {
    expect(issuesOf(INVALID.observationWithPatient)).toEqual([
      ['fhir.patient', 'Observation.patient', 'unknown-element'],
      ['fhir.subject', 'Observation.subject', 'record-patient'],
    ]);
  });

  it('refuses an Immunization naming its patient `subject` (R4 says patient, 1..1)', () => {
    expect(issuesOf(INVALID.immunizationWithSubject)).toEqual([
      ['fhir.subject', 'Immunization.subject', 'unknown-element'],
      ['fhir.patient', 'Immunization.patient', 'required'],
    ]);
  });

  it('holds cardinality: arrays where an element repeats, one value where it does not, nothing empty', () => {
    expect(issuesOf(INVALID.observationCardinality)).toEqual([
      ['fhir.status', 'Observation.status', 'cardinality'],
      ['fhir.category', 'Observation.category', 'cardinality'],
      ['fhir.code.coding', 'Observation.code.coding', 'cardinality'],
    ]);
  });

  it('refuses a code outside a required binding', () => {
    expect(issuesOf(INVALID.observationBadCode)).toEqual([['fhir.status', 'Observation.status', 'code']]);
  });

  it('validates contained resources too', () => {
    expect(issuesOf(INVALID.containedBroken)).toEqual([
      ['fhir.contained[0].colour', 'MedicationRequest.contained[0].colour', 'unknown-element'],
    ]);
  });

  it('requires the element its type names the patient with to reference the record’s patient', () => {
    expect(issuesOf(INVALID.observationOtherPatient)).toEqual([
      ['fhir.subject', 'Observation.subject', 'record-patient'],
    ]);
    const { subject: _s, ...noSubject } = VALID.observation;
    expect(issuesOf(noSubject)).toEqual([['fhir.subject', 'Observation.subject', 'record-patient']]);
    const { patient: _p, ...noPatient } = VALID.immunization;
    expect(issuesOf(noPatient)).toEqual([['fhir.patient', 'Immunization.patient', 'required']]);
  });

  it('accepts only the resource types records keeps, and refuses non-objects', () => {
    expect(issuesOf({ resourceType: 'Banana' })).toEqual([['fhir.resourceType', 'resourceType', 'resource-type']]);
    expect(issuesOf({ ...VALID.observation, resourceType: 'Patient' })).toEqual([
      ['fhir.resourceType', 'resourceType', 'resource-type'],
    ]);
    expect(issuesOf([])).toEqual([['fhir.resourceType', 'resourceType', 'resource-type']]);
    expect(
      fhirR4Validator()
        .validate('x')
        .map((i) => i.rule),
    ).toEqual(['type']);
  });

  it('refuses a prototype key as an unknown element and stops at 20 issues', () => {
    const poisoned = JSON.parse(
      '{"resourceType":"Observation","status":"final","code":{"text":"x"},"__proto__":{"a":1}}',
    );
    expect(issuesOf({ ...poisoned, subject: { reference: `Patient/${PATIENT}` } })).toEqual([
      ['fhir.__proto__', 'Observation.__proto__', 'unknown-element'],
    ]);
    const long = fhirR4Validator().validate({
      ...VALID.observation,
      ['k'.repeat(10_000)]: 1,
      status: 's'.repeat(10_000),
    });
    expect(long.map((i) => [i.rule, i.path.length < 100, i.message.length < 300])).toEqual([
      ['code', true, true],
      ['unknown-element', true, true],
    ]);
    const many = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`x${i}`, i]));
    const issues = fhirR4Validator().validate({ ...VALID.observation, ...many });
    expect(issues).toHaveLength(21);
    expect(issues.at(-1)!.rule).toBe('too-many-issues');
  });

  it('refuses deep nesting with an issue, not a stack overflow', () => {
    let ext: Record<string, unknown> = { url: 'http://x', valueString: 'leaf' };
    for (let i = 0; i < 5000; i++) ext = { url: 'http://x', extension: [ext] };
    const issues = fhirR4Validator().validate({ ...VALID.observation, extension: [ext] });
    expect(issues.map((i) => i.rule)).toEqual(['depth']);
  });

  it('passes the DocumentReference built for an uploaded file and the Provenance records answers', () => {
    const doc = documentReferenceOf({
      recordId: '0b7e6a4c-1d2f-4e3a-9b8c-7d6e5f4a3b2c',
      patientId: PATIENT,
      providerId: '5f4e3d2c-1b0a-4987-8654-3210fedcba98',
      title: 'Discharge letter',
      category: 'clinical-note',
      contentType: 'application/pdf',
      size: 1234,
      sha256: 'ab'.repeat(32),
      createdAt: '2026-12-01T10:00:00.000Z',
    });
    expect(fhirProblems(doc, PATIENT)).toEqual([]);
    const provenance = provenanceOf({
      recordId: '0b7e6a4c-1d2f-4e3a-9b8c-7d6e5f4a3b2c',
      resourceType: 'DocumentReference',
      providerId: '5f4e3d2c-1b0a-4987-8654-3210fedcba98',
      patientId: PATIENT,
      recorded: '2026-12-01T10:00:00.000Z',
      contentHash: '0x' + '11'.repeat(32),
      status: 'accepted',
      batchRoot: '0x' + '22'.repeat(32),
      anchorTxHash: '0x' + '33'.repeat(32),
      signature: { signer: '0x' + '44'.repeat(20), signature: '0x' + '55'.repeat(65), at: '2026-12-01T10:00:01.000Z' },
      response: { accept: true, batchRoot: '0x' + '66'.repeat(32), txHash: '0x' + '77'.repeat(32) },
    });
    expect(fhirR4Validator().validate(provenance)).toEqual([]);
    expect(
      fhirR4Validator()
        .validate({ ...provenance, recorded: '1 Dec 2026' })
        .map((i) => i.path),
    ).toEqual(['Provenance.recorded']);
  });

  it('costs well under a millisecond a resource (the schema loaded once)', () => {
    const resources = Object.values(VALID);
    const validator = fhirR4Validator();
    for (const r of resources) validator.validate(r);
    const rounds = 500;
    const t0 = performance.now();
    for (let i = 0; i < rounds; i++) for (const r of resources) validator.validate(r);
    const perResourceMs = (performance.now() - t0) / (rounds * resources.length);
    expect(perResourceMs).toBeLessThan(1);
  });
});
