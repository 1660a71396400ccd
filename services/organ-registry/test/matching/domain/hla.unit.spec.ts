import {
  abdrMismatch,
  antigenListProblems,
  locusMismatches,
  locusOf,
  typingProblems,
  unacceptableHits,
} from '../../../src/matching/domain/hla.js';

describe('HLA mismatch counting (A, B, DR; distinct donor antigens the candidate lacks)', () => {
  it('counts one per locus when one of two donor antigens is missing: 1 + 1 + 1 = 3', () => {
    // donor A1 A2 / B8 B44 / DR3 DR4; candidate A1 A3 / B7 B8 / DR4 DR7 → missing A2, B44, DR3.
    const mm = abdrMismatch(
      { A: ['A1', 'A2'], B: ['B8', 'B44'], DR: ['DR3', 'DR4'] },
      { A: ['A1', 'A3'], B: ['B7', 'B8'], DR: ['DR4', 'DR7'] },
    );
    expect(mm).toEqual({ A: 1, B: 1, DR: 1, total: 3 });
  });

  it('counts a homozygous donor locus once, whether typed once or twice', () => {
    // donor A2 (homozygous), candidate A1 A3: the one distinct donor antigen A2 is missing → 1, not 2.
    expect(locusMismatches(['A2'], ['A1', 'A3'])).toBe(1);
    expect(locusMismatches(['A2', 'A2'], ['A1', 'A3'])).toBe(1);
  });

  it('a homozygous candidate still mismatches the donor antigen it lacks', () => {
    // donor A1 A2, candidate A1 only → A2 missing → 1.
    expect(locusMismatches(['A1', 'A2'], ['A1'])).toBe(1);
  });

  it('two distinct donor antigens both missing → 2; a full ABDR mismatch is 6', () => {
    const mm = abdrMismatch(
      { A: ['A1', 'A2'], B: ['B8', 'B44'], DR: ['DR3', 'DR4'] },
      { A: ['A3', 'A11'], B: ['B7', 'B35'], DR: ['DR1', 'DR15'] },
    );
    expect(mm).toEqual({ A: 2, B: 2, DR: 2, total: 6 });
  });

  it('treats a split and its broad as a match (A24 ~ A9, B44 ~ B12, DR15 ~ DR2)', () => {
    expect(locusMismatches(['A24'], ['A9'])).toBe(0);
    expect(locusMismatches(['B12'], ['B44'])).toBe(0);
    expect(locusMismatches(['DR15', 'DR4'], ['DR2', 'DR7'])).toBe(1);
  });

  it('ignores C, DQ and DP for kidney counting: identical ABDR with different DQ is 0-ABDR', () => {
    const t = { A: ['A1', 'A2'], B: ['B8', 'B44'], DR: ['DR3', 'DR4'] };
    expect(abdrMismatch({ ...t, DQ: ['DQ2'] }, { ...t, DQ: ['DQ7'] }).total).toBe(0);
  });
});

describe('virtual crossmatch', () => {
  const donor = { A: ['A1', 'A2'], B: ['B8', 'B44'], DR: ['DR3', 'DR4'], DQ: ['DQ2', 'DQ7'] };
  it('names the donor antigen found on the unacceptable list', () => {
    expect(unacceptableHits(donor, ['B44'])).toEqual(['B44']);
  });
  it('a listed broad makes its splits unacceptable (B12 → donor B44)', () => {
    expect(unacceptableHits(donor, ['B12'])).toEqual(['B44']);
  });
  it('counts every locus, DQ included, and sorts the hits', () => {
    expect(unacceptableHits(donor, ['DQ7', 'A2', 'A3'])).toEqual(['A2', 'DQ7']);
  });
  it('no listed donor antigen → negative', () => {
    expect(unacceptableHits(donor, ['A3', 'DR1'])).toEqual([]);
  });
});

describe('antigen validation', () => {
  it('knows antigens by locus and refuses unknown ones by name', () => {
    expect(locusOf('DR15')).toBe('DR');
    expect(locusOf('Cw7')).toBe('C');
    expect(locusOf('A99')).toBeUndefined();
    expect(typingProblems({ A: ['A1', 'A99'] }, 'hla')).toEqual(['hla.A: unknown A antigen "A99"']);
    expect(typingProblems({ B: ['A1'] }, 'hla')).toEqual(['hla.B: unknown B antigen "A1"']);
    expect(typingProblems({ A: ['A1', 'A2', 'A3'] }, 'hla')).toEqual(['hla.A: one or two antigens']);
    expect(antigenListProblems(['B44', 'X1'], 'unacceptable')).toEqual(['unacceptable: unknown HLA antigen "X1"']);
  });
});
