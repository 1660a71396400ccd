import { MELD_22_LABS, NORMAL_LABS } from '../../meld-fixtures.js';
import { boundedLabs, meld3, meld3Raw, meldLabProblems } from '../../../src/matching/domain/meld.js';

const normal = NORMAL_LABS;

describe('MELD 3.0', () => {
  it('worked example: female, bili 2.0, Na 130, INR 1.5, Cr 1.2, albumin 3.0 → 21.54 → 22', () => {
    // 1.33 + 4.56·ln2 (3.160751) + 0.82·7 (5.74) − 0.24·7·ln2 (1.164487) + 9.09·ln1.5 (3.685677)
    // + 11.14·ln1.2 (2.031067) + 1.85·0.5 (0.925) − 1.83·0.5·ln1.2 (0.166825) + 6 = 21.541183
    const labs = MELD_22_LABS;
    expect(meld3Raw(labs)).toBeCloseTo(21.541183, 5);
    expect(meld3(labs)).toBe(22);
  });

  it('applies the bounds: bili 0.5 → 1, INR 0.9 → 1, Cr 4.5 → 3, Na 120 → 125, albumin 1.0 → 1.5', () => {
    const labs = { ...normal, bilirubin: 0.5, inr: 0.9, creatinine: 4.5, sodium: 120, albumin: 1 };
    expect(boundedLabs(labs)).toEqual({ bili: 1, inr: 1, cr: 3, na: 125, alb: 1.5 });
    // 0.82·12 (9.84) + 11.14·ln3 (12.238538) + 1.85·2 (3.7) − 1.83·2·ln3 (4.020920) + 6 = 27.757618 → 28
    expect(meld3Raw(labs)).toBeCloseTo(27.757618, 5);
    expect(meld3(labs)).toBe(28);
  });

  it('sodium above 137 and albumin above 3.5 clamp down: normal labs score exactly 6', () => {
    expect(meld3Raw({ ...normal, sodium: 145, albumin: 4.5 })).toBeCloseTo(6, 10);
    expect(meld3({ ...normal, sodium: 145, albumin: 4.5 })).toBe(6);
  });

  it('two dialyses in the past week set creatinine to 3.0: 11.14·ln3 + 6 = 18.24 → 18 (6 without)', () => {
    expect(meld3({ ...normal, dialysedTwiceInPastWeek: true })).toBe(18);
    expect(meld3(normal)).toBe(6);
  });

  it('rounds to the nearest integer: INR 1.05 → 6.44 → 6, INR 1.1 → 6.87 → 7', () => {
    // 9.09·ln1.05 = 0.443501; 9.09·ln1.1 = 0.866370
    expect(meld3({ ...normal, inr: 1.05 })).toBe(6);
    expect(meld3({ ...normal, inr: 1.1 })).toBe(7);
  });

  it('caps at 40: female, bili 30, Na 125, INR 3.5, Cr 3, albumin 1.5 → 46.19 → 40', () => {
    // 1.33 + 15.509458 + 9.84 − 9.795447 + 11.387616 + 12.238538 + 3.7 − 4.020920 + 6 = 46.189245
    const labs = {
      female: true,
      bilirubin: 30,
      sodium: 125,
      inr: 3.5,
      creatinine: 3,
      albumin: 1.5,
      dialysedTwiceInPastWeek: false,
    };
    expect(meld3Raw(labs)).toBeCloseTo(46.189245, 5);
    expect(meld3(labs)).toBe(40);
  });

  it('refuses labs outside the physiological range, naming the lab', () => {
    expect(meldLabProblems({ ...normal, sodium: 90, inr: 0 }, 'meldLabs')).toEqual([
      'meldLabs.sodium: outside the physiological range 100–180',
      'meldLabs.inr: outside the physiological range 0.5–20',
    ]);
    expect(meldLabProblems(normal, 'meldLabs')).toEqual([]);
  });
});
