// Test data builders for the registry's requests (dates ISO, as a centre's system sends them).
const TYPING = { A: ['A1', 'A2'], B: ['B8', 'B44'], DR: ['DR3', 'DR4'] };
export const HOSPITAL = { id: 'gen-hosp', name: 'General Hospital', location: { lat: 40, lon: -75 } };

export function aKidneyCandidate(id: string, over: Record<string, unknown> = {}) {
  return {
    id,
    organ: 'kidney',
    abo: 'A',
    hla: { A: ['A1', 'A3'], B: ['B7', 'B8'], DR: ['DR4', 'DR7'] },
    unacceptable: [],
    cpra: 0,
    registeredAt: '2025-01-01T00:00:00Z',
    paediatric: false,
    priorLivingDonor: false,
    location: { lat: 40, lon: -75 },
    ...over,
  };
}

export const zeroMismatch = { hla: TYPING };

export function aDonor(over: Record<string, unknown> = {}) {
  return {
    kind: 'deceased',
    identity: { name: 'Jane Roe', nationalId: 'XX-123-456', dateOfBirth: '1970-05-05' },
    consent: { mediaType: 'application/pdf', contentBase64: Buffer.from('%PDF-1.4 signed consent').toString('base64') },
    ...over,
  };
}

export function aKidney(donorId: string, crossClampAt: string, over: Record<string, unknown> = {}) {
  return {
    donorId,
    type: 'kidney',
    laterality: 'left',
    abo: 'A2',
    hla: TYPING,
    crossClampAt,
    kdpi: 30,
    procurementHospital: HOSPITAL,
    ...over,
  };
}
