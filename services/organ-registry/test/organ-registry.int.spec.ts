// The registry's story on the real servers: centres list candidates, the organ bank registers a donor (consent
// encrypted, its hash anchored) and a kidney, runs the match, replays it with equal hashes (anchored on-chain),
// and every party sees only what its role and ownership allow — each read written in the access log.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { aDonor, aKidney, aKidneyCandidate, zeroMismatch } from './builders.js';
import { startRegistry, type Registry, type Reply } from './harness.js';

type Api = (method: string, path: string, body?: unknown) => Promise<Reply>;
let r: Registry;
let bank: Api;
let hospital: Api;
let clinic: Api;
let auditor: Api;
let patient: Api;
let donorId: string;
let organId: string;
let runId: string;

const iso = (ms: number) => new Date(ms).toISOString();

beforeAll(async () => {
  r = await startRegistry();
  const [b, h, c, a, p] = await Promise.all(
    ['organbank-1', 'provider-hospital', 'provider-clinic', 'auditor-1', 'patient-alice'].map((u) => r.as(u)),
  );
  [bank, hospital, clinic, auditor, patient] = [b!, h!, c!, a!, p!];
});

afterAll(async () => {
  await r?.close();
});

describe('waitlist', () => {
  it('a centre lists candidates; the clinic lists its own', async () => {
    for (const c of [
      aKidneyCandidate('hosp-0abdr', { ...zeroMismatch, dialysisStartAt: '2024-01-01T00:00:00Z' }),
      aKidneyCandidate('hosp-o', { abo: 'O' }),
      aKidneyCandidate('hosp-dr3', { cpra: 50, unacceptable: ['DR3'] }),
    ])
      expect((await hospital('POST', '/candidates', c)).status).toBe(201);
    expect((await clinic('POST', '/candidates', aKidneyCandidate('clinic-1', { cpra: 99 }))).status).toBe(201);
  });

  it('refuses bad input with the rule: unknown antigen, cPRA over 100, MELD labs out of range, unknown organ', async () => {
    const bad = async (body: unknown) => (await hospital('POST', '/candidates', body)).body;
    const antigen = await bad(aKidneyCandidate('x1', { unacceptable: ['B999'] }));
    expect(antigen).toMatchObject({
      error: 'InvalidCandidate',
      details: { problems: ['unacceptable: unknown HLA antigen "B999"'] },
    });
    expect((await bad(aKidneyCandidate('x2', { cpra: 101 }))).details.problems).toEqual(['cpra: an integer 0–100']);
    const labs = {
      female: false,
      bilirubin: 2,
      sodium: 90,
      inr: 1,
      creatinine: 1,
      albumin: 3,
      dialysedTwiceInPastWeek: false,
    };
    expect((await bad(aKidneyCandidate('x3', { organ: 'liver', meldLabs: labs }))).details.problems).toEqual([
      'meldLabs.sodium: outside the physiological range 100–180',
    ]);
    const organ = await hospital('POST', '/candidates', aKidneyCandidate('x4', { organ: 'spleen' }));
    expect(organ.status).toBe(400);
    expect(organ.body.fields.organ).toBeDefined();
  });

  it('a change is a new version naming the fields; only the listing centre may change it', async () => {
    const { id: _, ...fields } = aKidneyCandidate('hosp-o', { abo: 'O', cpra: 21 });
    expect((await clinic('PUT', '/candidates/hosp-o', fields)).status).toBe(403);
    expect((await hospital('PUT', '/candidates/hosp-o', fields)).status).toBe(200);
    const history = await hospital('GET', '/candidates/hosp-o/history');
    expect(history.body.map((v: { changed: string[] }) => v.changed)).toEqual([['listed'], ['cpra']]);
  });

  it('BOLA: a centre reads only its candidates; a patient reads none', async () => {
    expect((await hospital('GET', '/candidates/hosp-0abdr')).status).toBe(200);
    expect((await clinic('GET', '/candidates/hosp-0abdr')).status).toBe(403);
    expect((await clinic('GET', '/candidates/hosp-0abdr/history')).status).toBe(403);
    expect((await patient('GET', '/candidates/hosp-0abdr')).status).toBe(403);
    expect((await auditor('GET', '/candidates/hosp-0abdr')).status).toBe(200);
    expect((await patient('POST', '/candidates', aKidneyCandidate('p1'))).status).toBe(403);
  });
});

describe('donors and organs', () => {
  it('the organ bank registers a donor: an opaque id, the consent hash anchored, no identity in the view', async () => {
    const res = await bank('POST', '/donors', aDonor());
    expect(res.status).toBe(201);
    donorId = res.body.id;
    expect(donorId).toMatch(/^DN-[A-Z0-9]{10}$/);
    expect(JSON.stringify(res.body)).not.toContain('Jane');
    const view = await auditor('GET', `/donors/${donorId}`);
    expect(view.status).toBe(200);
    expect(JSON.stringify(view.body)).not.toContain('XX-123-456');
    await r.anchorer.waitConfirmed([view.body.anchorEntryId], 60_000);
    const proof = await r.anchorer.proofOf(view.body.anchorEntryId);
    expect(proof).toMatchObject({ status: 'confirmed', dataHash: view.body.consentHash, verifiedOnChain: true });
  });

  it("the donor identity is the organ bank's alone; the blob store holds only ciphertext", async () => {
    const id = await bank('GET', `/donors/${donorId}/identity`);
    expect(id.body.identity).toMatchObject({ name: 'Jane Roe' });
    expect((await auditor('GET', `/donors/${donorId}/identity`)).status).toBe(403);
    expect((await hospital('GET', `/donors/${donorId}/identity`)).status).toBe(403);
    expect((await hospital('GET', `/donors/${donorId}`)).status).toBe(403);
  });

  it('records a kidney; refuses a clamp in the future and an arrival before the clamp', async () => {
    const now = r.clock.now().getTime();
    const future = await bank('POST', '/organs', aKidney(donorId, iso(now + 3_600_000)));
    expect(future.body.details.problems).toEqual(['crossClampAt: in the future']);
    const noKdpi = await bank('POST', '/organs', aKidney(donorId, iso(now - 3_600_000), { kdpi: undefined }));
    expect(noKdpi.body.details.problems).toEqual(['kdpi: an integer 0–100 for a kidney']);
    const badHla = await bank(
      'POST',
      '/organs',
      aKidney(donorId, iso(now - 3_600_000), { hla: { A: ['A1'], DR: ['DQ2'] } }),
    );
    expect(badHla.body.details.problems).toEqual(['hla.DR: unknown DR antigen "DQ2"']);
    const ok = await bank('POST', '/organs', aKidney(donorId, iso(now - 3_600_000)));
    expect(ok.status).toBe(201);
    organId = ok.body.id;
    const early = await bank('POST', `/organs/${organId}/arrival`, { arrivedAt: iso(now - 7_200_000) });
    expect(early.body.details.problems).toEqual(['arrivedAt: before the cross-clamp time (clamp after arrival)']);
  });
});

describe('match run', () => {
  it('ranks the waitlist: the sensitised clinic candidate, then the 0-ABDR one; the rest ineligible with reasons', async () => {
    const res = await bank('POST', '/match-runs', { organId });
    expect(res.status).toBe(201);
    runId = res.body.id;
    expect(res.body).toMatchObject({
      policyVersion: 'uhr-allocation-2026.1',
      sequence: 'B',
      rankedCount: 2,
      ineligibleCount: 2,
    });
    const run = await bank('GET', `/match-runs/${runId}`);
    expect(run.body.ranked.map((e: { candidateId: string; classId: string }) => [e.candidateId, e.classId])).toEqual([
      ['clinic-1', 'B-cpra98-circle'],
      ['hosp-0abdr', 'B-zeroAbdr-circle'],
    ]);
    expect(run.body.ineligible).toEqual([
      { candidateId: 'hosp-dr3', reasons: [{ code: 'UNACCEPTABLE_ANTIGEN', antigens: ['DR3'] }] },
      { candidateId: 'hosp-o', reasons: [{ code: 'ABO_INCOMPATIBLE', detail: 'kidney: donor A2 to candidate O' }] },
    ]);
  });

  it('replays with equal hashes, the anchored one verified by the Anchors contract', async () => {
    const run = await bank('GET', `/match-runs/${runId}`);
    await r.anchorer.waitConfirmed([run.body.anchorEntryId], 60_000);
    // The waitlist moves on after the run: the replay still reads the versions the run read.
    const { id: _, ...fields } = aKidneyCandidate('hosp-0abdr', { ...zeroMismatch, cpra: 40 });
    expect((await hospital('PUT', '/candidates/hosp-0abdr', fields)).status).toBe(200);
    const replay = await auditor('POST', `/match-runs/${runId}/replay`);
    expect(replay.status).toBe(200);
    expect(replay.body.equal).toBe(true);
    expect(replay.body.replayed).toEqual(replay.body.stored);
    expect(replay.body.anchor).toMatchObject({ status: 'confirmed', verifiedOnChain: true });
  });

  it('a tampered stored candidate version makes the replay unequal, naming the candidate', async () => {
    await r.db.query(
      `update candidate_versions set data = jsonb_set(data, '{cpra}', '0') where id = 'clinic-1' and version = 1`,
    );
    const replay = await bank('POST', `/match-runs/${runId}/replay`);
    expect(replay.body.equal).toBe(false);
    expect(replay.body.alteredCandidates).toEqual(['clinic-1']);
    await r.db.query(
      `update candidate_versions set data = jsonb_set(data, '{cpra}', '99') where id = 'clinic-1' and version = 1`,
    );
  });

  it('BOLA: a centre sees only its own entries and the organs it was ranked for; never the donor identity', async () => {
    const mine = await clinic('GET', `/match-runs/${runId}`);
    expect(mine.body.ranked.map((e: { candidateId: string }) => e.candidateId)).toEqual(['clinic-1']);
    expect(mine.body.ineligible).toEqual([]);
    const organ = await clinic('GET', `/organs/${organId}`);
    expect(organ.status).toBe(200);
    expect(organ.body.donorId).toBe(donorId);
    expect(JSON.stringify(organ.body)).not.toContain('Jane');
    const fhir = await clinic('GET', `/organs/${organId}/fhir`);
    expect(fhir.body).toMatchObject({
      resourceType: 'BiologicallyDerivedProduct',
      collection: { source: { identifier: { value: donorId } } },
    });
    expect((await patient('GET', `/match-runs/${runId}`)).status).toBe(403);
    expect((await hospital('POST', '/match-runs', { organId })).status).toBe(403);
    expect((await clinic('POST', `/match-runs/${runId}/replay`)).status).toBe(403);
  });

  it('a centre with no ranked candidate reads neither the run nor the organ', async () => {
    const other = await startOtherOrgan();
    expect((await clinic('GET', `/organs/${other}`)).status).toBe(403);
    expect((await clinic('GET', `/organs/${other}/fhir`)).status).toBe(403);
  });
});

async function startOtherOrgan(): Promise<string> {
  const now = r.clock.now().getTime();
  const res = await bank('POST', '/organs', aKidney(donorId, iso(now - 60_000), { laterality: 'right' }));
  return res.body.id as string;
}

describe('access audit', () => {
  it('every read is in the access log, for auditors only', async () => {
    const log = await auditor('GET', `/audit/access?resourceId=${organId}`);
    expect(log.status).toBe(200);
    expect(log.body.some((e: { username: string }) => e.username === 'provider-clinic')).toBe(true);
    expect((await bank('GET', '/audit/access')).status).toBe(403);
    expect((await hospital('GET', '/audit/access')).status).toBe(403);
  });

  it('a bulk look-up raises one BulkLookupDetected for the window', async () => {
    const small = await startRegistry({ UHR_ORGAN_REGISTRY_BULK_LOOKUP_THRESHOLD: '3' });
    try {
      const centre = await small.as('provider-hospital');
      for (let i = 0; i < 6; i++) {
        expect((await centre('POST', '/candidates', aKidneyCandidate(`bulk-${i}`))).status).toBe(201);
        expect((await centre('GET', `/candidates/bulk-${i}`)).status).toBe(200);
      }
      const alerts: { payload: { distinctRecords: number; username: string } }[] = await small.db.query(
        `select payload from uhr_events where type = 'organ-registry.BulkLookupDetected'`,
      );
      expect(alerts).toHaveLength(1);
      expect(alerts[0]!.payload).toMatchObject({ username: 'provider-hospital', distinctRecords: 4 });
    } finally {
      await small.close();
    }
  });
});
