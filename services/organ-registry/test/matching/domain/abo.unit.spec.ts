import { aboVerdict } from '../../../src/matching/domain/abo.js';
import { POLICY_2026_1 } from '../../../src/matching/domain/policy.js';

const kidney = POLICY_2026_1.abo.kidney;
const liver = POLICY_2026_1.abo.liver;
const heart = POLICY_2026_1.abo.heart;

describe('ABO rules per organ (policy uhr-allocation-2026.1)', () => {
  it.each([
    // OPTN kidney: O→O only, B→B only, A→A/AB, AB→AB.
    ['O', 'O', false, 'identical'],
    ['O', 'A', false, 'abo-incompatible'],
    ['O', 'B', false, 'abo-incompatible'],
    ['B', 'B', false, 'identical'],
    ['B', 'AB', false, 'abo-incompatible'],
    ['A', 'AB', false, 'compatible'],
    ['A1', 'A', false, 'identical'],
    ['AB', 'AB', false, 'identical'],
    ['AB', 'A', false, 'abo-incompatible'],
    // A2 / A2B → B only for candidates flagged A2-eligible; A1 never; A2 → O is not national policy.
    ['A2', 'B', true, 'a2-to-b'],
    ['A2B', 'B', true, 'a2-to-b'],
    ['A2', 'B', false, 'abo-incompatible'],
    ['A1', 'B', true, 'abo-incompatible'],
    ['A', 'B', true, 'abo-incompatible'],
    ['A2', 'O', true, 'abo-incompatible'],
  ] as const)('kidney: donor %s → candidate %s (A2-eligible %s): %s', (donor, cand, a2, rule) => {
    expect(aboVerdict(kidney, donor, cand, a2).rule).toBe(rule);
  });

  it('liver and heart follow standard compatibility; liver O donors favour B candidates', () => {
    expect(aboVerdict(liver, 'O', 'B', false).rule).toBe('favoured');
    expect(aboVerdict(liver, 'O', 'A', false).rule).toBe('compatible');
    expect(aboVerdict(liver, 'A', 'O', false).rule).toBe('abo-incompatible');
    expect(aboVerdict(heart, 'O', 'AB', false).rule).toBe('compatible');
    expect(aboVerdict(heart, 'B', 'A', false).rule).toBe('abo-incompatible');
    // The A2 → B exception is the kidney's only.
    expect(aboVerdict(heart, 'A2', 'B', true).rule).toBe('abo-incompatible');
  });
});
