import type { MatchCandidate, MatchOrgan } from '../../../src/matching/domain/match-run.js';
import { runMatch } from '../../../src/matching/domain/match-run.js';
import { MELD_22_LABS, MELD_28_LABS, MELD_40_LABS } from '../../meld-fixtures.js';
import { POLICY_2026_1 } from '../../../src/matching/domain/policy.js';

const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`);
const AT = day('2026-01-01');
const HOSPITAL = { lat: 40, lon: -75 };
// 1° of latitude is 3440.065 NM × π/180 = 60.0405 NM; the run rounds distances to 0.1 NM.
const north = (deg: number) => ({ lat: 40 + deg, lon: -75 });
const TYPING = { A: ['A1', 'A2'], B: ['B8', 'B44'], DR: ['DR3', 'DR4'] };
const ONE_EACH = { A: ['A1', 'A3'], B: ['B7', 'B8'], DR: ['DR4', 'DR7'] }; // misses A2, B44, DR3: 1-1-1

function candidate(id: string, over: Partial<MatchCandidate> = {}): MatchCandidate {
  return {
    id,
    organ: 'kidney',
    abo: 'A',
    a2Eligible: false,
    hla: ONE_EACH,
    unacceptable: [],
    cpra: 0,
    registeredAt: day('2025-01-01'),
    paediatric: false,
    priorLivingDonor: false,
    location: HOSPITAL,
    ...over,
  };
}

const kidney: MatchOrgan = { id: 'organ-1', type: 'kidney', abo: 'A2', hla: TYPING, kdpi: 30, location: HOSPITAL };

// Expected by hand (KDPI 30 → sequence B: circle cpra98, zeroAbdr, PLD, paediatric, any; then the same, nation).
const kidneyCandidates = [
  // 0-ABDR, 365 days on dialysis (1 pt), DR 0 mm (2), 0 NM (2): 5 points, class B-zeroAbdr-circle.
  candidate('c1', { hla: TYPING, dialysisStartAt: day('2025-01-01') }),
  candidate('c2', { abo: 'O' }), // kidney A2 → O: ineligible
  // B, A2-eligible; 6 mm; cPRA 99 (50.09); 731 days (2.00274); 60.0 NM → 2 × (1 − 60/250) = 1.52: 53.61274.
  candidate('c3', {
    abo: 'B',
    a2Eligible: true,
    hla: { A: ['A3', 'A11'], B: ['B7', 'B35'], DR: ['DR1', 'DR15'] },
    cpra: 99,
    dialysisStartAt: day('2024-01-01'),
    location: north(1),
  }),
  candidate('c4', { cpra: 50, unacceptable: ['DR3'] }), // virtual crossmatch positive on DR3
  // AB; PLD (4); cPRA 85 (4.05); GFR ≤ 20 from 2025-07-02: 183 days (183/365 = 0.50137); DR 1 mm (1); 0 NM (2).
  candidate('c5', { abo: 'AB', cpra: 85, priorLivingDonor: true, gfrAtMost20At: day('2025-07-02') }),
  // paediatric, registered 2025-10-01: 92 days (0.252055); DR 1 (1); 600.4 NM: 4 × (1 − 350.4/2250) = 3.377067.
  candidate('c6', { paediatric: true, registeredAt: day('2025-10-01'), location: north(10) }),
  // on dialysis since 2020-01-01: 2192 days (6.005479); DR 1 (1); 0 NM (2): 9.005479. c8 is the same: id decides.
  candidate('c8', { dialysisStartAt: day('2020-01-01') }),
  candidate('c7', { dialysisStartAt: day('2020-01-01') }),
];

describe('kidney match run', () => {
  const result = runMatch(kidney, kidneyCandidates, POLICY_2026_1, AT);

  it('ranks by the class ladder first, points within a class, then the candidate id', () => {
    expect(result.sequence).toBe('B');
    expect(result.ranked.map((r) => [r.rank, r.candidateId, r.classId])).toEqual([
      [1, 'c3', 'B-cpra98-circle'],
      [2, 'c1', 'B-zeroAbdr-circle'],
      [3, 'c5', 'B-priorLivingDonor-circle'],
      [4, 'c7', 'B-any-circle'],
      [5, 'c8', 'B-any-circle'],
      [6, 'c6', 'B-paediatric-nation'],
    ]);
  });

  it('gives each candidate its points breakdown', () => {
    const by = new Map(result.ranked.map((r) => [r.candidateId, r]));
    expect(by.get('c1')!.points).toEqual({
      waiting: 1,
      drMismatch: 2,
      cpra: 0,
      priorLivingDonor: 0,
      proximity: 2,
      total: 5,
    });
    expect(by.get('c3')!.points).toEqual({
      waiting: 2.00274,
      drMismatch: 0,
      cpra: 50.09,
      priorLivingDonor: 0,
      proximity: 1.52,
      total: 53.61274,
    });
    expect(by.get('c3')!).toMatchObject({
      abo: 'a2-to-b',
      distanceNm: 60,
      waitingDays: 731,
      mismatch: { A: 2, B: 2, DR: 2, total: 6 },
    });
    expect(by.get('c5')!.points).toEqual({
      waiting: 0.50137,
      drMismatch: 1,
      cpra: 4.05,
      priorLivingDonor: 4,
      proximity: 2,
      total: 11.55137,
    });
    expect(by.get('c6')!.points).toEqual({
      waiting: 0.252055,
      drMismatch: 1,
      cpra: 0,
      priorLivingDonor: 0,
      proximity: 3.377067,
      total: 4.629122,
    });
    expect(by.get('c6')!.distanceNm).toBe(600.4);
    expect(by.get('c7')!.points!.total).toBe(9.005479);
  });

  it('lists the ineligible with their reasons, the offending antigen named', () => {
    expect(result.ineligible).toEqual([
      { candidateId: 'c2', reasons: [{ code: 'ABO_INCOMPATIBLE', detail: 'kidney: donor A2 to candidate O' }] },
      { candidateId: 'c4', reasons: [{ code: 'UNACCEPTABLE_ANTIGEN', antigens: ['DR3'] }] },
    ]);
  });

  it('is deterministic: any input order gives the same inputs and result hashes', () => {
    const again = runMatch(kidney, [...kidneyCandidates].reverse(), POLICY_2026_1, AT);
    expect(again.inputsHash).toBe(result.inputsHash);
    expect(again.resultHash).toBe(result.resultHash);
    expect(result.resultHash).toMatch(/^0x[0-9a-f]{64}$/);
  });

  it('a changed input, time or policy changes the hashes', () => {
    const changed = kidneyCandidates.map((c) => (c.id === 'c7' ? { ...c, cpra: 21 } : c));
    expect(runMatch(kidney, changed, POLICY_2026_1, AT).inputsHash).not.toBe(result.inputsHash);
    expect(runMatch(kidney, kidneyCandidates, POLICY_2026_1, AT + 86_400_000).resultHash).not.toBe(result.resultHash);
    const policy = { ...POLICY_2026_1, version: 'test' };
    expect(runMatch(kidney, kidneyCandidates, policy, AT).policyHash).not.toBe(result.policyHash);
  });

  it('KDPI selects the sequence: ≤ 20 A, 21–34 B, 35–85 C, > 85 D', () => {
    const seq = (kdpi: number) => runMatch({ ...kidney, kdpi }, [], POLICY_2026_1, AT).sequence;
    expect([20, 21, 34, 35, 85, 86].map(seq)).toEqual(['A', 'B', 'B', 'C', 'C', 'D']);
  });

  it('candidates waiting for another organ are not ranked', () => {
    const r = runMatch(kidney, [candidate('x', { organ: 'liver' })], POLICY_2026_1, AT);
    expect(r.ineligible[0]!.reasons[0]!.code).toBe('ORGAN_TYPE');
  });
});

const [MELD_22, MELD_28, MELD_40] = [MELD_22_LABS, MELD_28_LABS, MELD_40_LABS];

describe('liver match run: acuity circles by MELD band and distance', () => {
  const liver: MatchOrgan = { id: 'liver-1', type: 'liver', abo: 'O', hla: TYPING, location: HOSPITAL };
  const l = (id: string, over: Partial<MatchCandidate>) => candidate(id, { organ: 'liver', abo: 'O', ...over });
  const result = runMatch(
    liver,
    [
      l('L1', { liverStatus: '1B', location: north(2) }), // 120.1 NM: status1B-500nm
      l('L2', { liverStatus: '1A', location: north(10) }), // 600.4 NM: beyond 500 → remaining
      l('L3', { meldLabs: MELD_40, location: north(3) }), // MELD 40 at 180.1 NM: meld37-250nm
      l('L4', { abo: 'B', meldLabs: MELD_22, location: north(1) }), // MELD 22, 60 NM: meld15-150nm, O → B favoured
      l('L5', { abo: 'A', meldLabs: MELD_28, location: north(2) }), // MELD 28, 120 NM: meld15-150nm, compatible
      l('L6', { meldLabs: MELD_28, location: north(2) }), // MELD 28, 120 NM: meld15-150nm, identical
    ],
    POLICY_2026_1,
    AT,
  );
  it('status 1A/1B within 500 NM first, then MELD bands by circle, identical/favoured ABO before compatible', () => {
    expect(result.ranked.map((r) => [r.candidateId, r.classId, r.meld])).toEqual([
      ['L1', 'status1B-500nm', undefined],
      ['L3', 'meld37-250nm', 40],
      ['L6', 'meld15-150nm', 28],
      ['L4', 'meld15-150nm', 22],
      ['L5', 'meld15-150nm', 28],
      ['L2', 'remaining', undefined],
    ]);
  });
});

describe('heart match run: status order within 500 NM, then the nation', () => {
  const heart: MatchOrgan = { id: 'heart-1', type: 'heart', abo: 'A', hla: TYPING, location: HOSPITAL };
  const h = (id: string, over: Partial<MatchCandidate>) => candidate(id, { organ: 'heart', ...over });
  const result = runMatch(
    heart,
    [
      h('H1', { heartStatus: 2, location: north(1) }),
      h('H2', { heartStatus: 1, location: north(10) }),
      h('H3', { heartStatus: 1, abo: 'AB', location: north(1) }),
      h('H4', { heartStatus: 1, location: north(1) }),
      h('H5', { heartStatus: 6, abo: 'O', location: north(1) }),
      h('H6', { heartStatus: 3, location: north(9) }),
    ],
    POLICY_2026_1,
    AT,
  );
  it('orders status 1 (identical ABO, then compatible), status 2, then the nation by status', () => {
    expect(result.ranked.map((r) => [r.candidateId, r.classId])).toEqual([
      ['H4', 'status1-500nm'],
      ['H3', 'status1-500nm'],
      ['H1', 'status2-500nm'],
      ['H2', 'nation'],
      ['H6', 'nation'],
    ]);
    expect(result.ineligible.map((i) => i.candidateId)).toEqual(['H5']);
  });
});
