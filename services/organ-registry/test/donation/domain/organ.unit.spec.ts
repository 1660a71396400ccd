import { arrivalProblems, fhirOrgan, organProblems, type Organ } from '../../../src/donation/domain/organ.js';

const NOW = Date.parse('2026-01-01T12:00:00Z');
const kidney: Organ = {
  id: 'OR-1',
  donorId: 'DN-ABC',
  type: 'kidney',
  laterality: 'left',
  abo: 'A2',
  hla: { A: ['A1', 'A2'], B: ['B8'], DR: ['DR4'] },
  crossClampAt: Date.parse('2026-01-01T06:00:00Z'),
  kdpi: 30,
  procurementHospital: { id: 'h1', name: 'General', location: { lat: 40, lon: -75 } },
};

describe('organ rules', () => {
  it('accepts a well-formed kidney', () => {
    expect(organProblems(kidney, NOW)).toEqual([]);
  });
  it('names each broken rule', () => {
    const bad = { ...kidney, laterality: 'none' as const, kdpi: 101, crossClampAt: NOW + 1, hla: { A: ['A99'] } };
    expect(organProblems(bad, NOW)).toEqual([
      'hla.A: unknown A antigen "A99"',
      'laterality: left, right or en-bloc for a kidney',
      'kdpi: an integer 0–100 for a kidney',
      'crossClampAt: in the future',
    ]);
    expect(organProblems({ ...kidney, type: 'heart' }, NOW)).toEqual([
      'laterality: none for a heart',
      'kdpi: kidneys only',
    ]);
  });
  it('refuses an arrival before the cross-clamp', () => {
    expect(arrivalProblems(kidney, kidney.crossClampAt - 1, NOW)).toEqual([
      'arrivedAt: before the cross-clamp time (clamp after arrival)',
    ]);
    expect(arrivalProblems(kidney, kidney.crossClampAt + 3_600_000, NOW)).toEqual([]);
  });
  it('maps to a FHIR R4 BiologicallyDerivedProduct with the donor as an opaque identifier only', () => {
    const fhir = fhirOrgan(kidney);
    expect(fhir).toMatchObject({
      resourceType: 'BiologicallyDerivedProduct',
      productCategory: 'organ',
      productCode: { coding: [{ system: 'http://snomed.info/sct', code: '64033007' }] },
      collection: { source: { identifier: { value: 'DN-ABC' } }, collectedDateTime: '2026-01-01T06:00:00.000Z' },
    });
  });
});
