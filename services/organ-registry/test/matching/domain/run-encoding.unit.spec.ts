import { canonicalJson } from '../../../src/matching/domain/canonical.js';
import type { MatchCandidate, MatchOrgan } from '../../../src/matching/domain/match-run.js';
import { runMatch } from '../../../src/matching/domain/match-run.js';
import { MELD_22_LABS } from '../../meld-fixtures.js';
import { POLICY_2026_1 } from '../../../src/matching/domain/policy.js';
import { candidateJson, ineligibleJson, rankedJson } from '../../../src/matching/domain/run-encoding.js';

const base: MatchCandidate = {
  id: 'c"1',
  organ: 'kidney',
  abo: 'B',
  a2Eligible: true,
  hla: { DR: ['DR4'], A: ['A1', 'A2'], DQ: ['DQ7'], B: ['B44', 'B8'] },
  unacceptable: ['DR3', 'B12'],
  cpra: 97,
  registeredAt: 1_700_000_000_000,
  paediatric: false,
  priorLivingDonor: true,
  location: { lat: 40.5, lon: -74.25 },
};
const full: MatchCandidate = {
  ...base,
  dialysisStartAt: 1_600_000_000_000,
  gfrAtMost20At: 1_650_000_000_000,
  epts: 12,
  liverStatus: '1B',
  heartStatus: 2,
  meldLabs: MELD_22_LABS,
};

describe('the run encoders write exactly canonical JSON', () => {
  it.each([
    ['minimal', base],
    ['every optional member', full],
    ['no unacceptables, C/DP loci', { ...base, unacceptable: [], hla: { C: ['Cw7'], DP: ['DP4'] } }],
  ])('candidate: %s', (_, c) => {
    expect(candidateJson(c)).toBe(canonicalJson(c));
  });

  it('ranked and ineligible entries of kidney, liver and heart runs', () => {
    const organ: MatchOrgan = { id: 'o', type: 'kidney', abo: 'A2', hla: base.hla, kdpi: 10, location: base.location };
    const cands = [base, { ...base, id: 'c2', abo: 'O' as const }, { ...base, id: 'c3', unacceptable: [] }];
    for (const type of ['kidney', 'liver', 'heart'] as const) {
      const run = runMatch(
        { ...organ, type },
        cands.map((c) => ({ ...full, ...c, organ: type })),
        POLICY_2026_1,
        1.8e12,
      );
      expect(run.ranked.length + run.ineligible.length).toBe(3);
      for (const r of run.ranked) expect(rankedJson(r)).toBe(canonicalJson(r));
      for (const i of run.ineligible) expect(ineligibleJson(i)).toBe(canonicalJson(i));
    }
  });
});
