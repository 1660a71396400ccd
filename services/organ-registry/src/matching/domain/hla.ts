/**
 * HLA antigens at serological (OPTN "equivalence table") level, and the counting rules the match run uses.
 * Pure: no I/O.
 */
export const HLA_LOCI = ['A', 'B', 'C', 'DR', 'DQ', 'DP'] as const;
export type HlaLocus = (typeof HLA_LOCI)[number];

/** A typing: one or two antigens per locus (one, or the same twice, is a homozygous locus). */
export type HlaTyping = Partial<Record<HlaLocus, readonly string[]>>;

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const named = (prefix: string, numbers: number[]) => numbers.map((n) => `${prefix}${n}`);

// WHO serological specificities, broads and splits together (the split table below relates them).
const KNOWN: Record<HlaLocus, ReadonlySet<string>> = {
  A: new Set(
    named(
      'A',
      [1, 2, 3, 9, 10, 11, 19, 23, 24, 25, 26, 28, 29, 30, 31, 32, 33, 34, 36, 43, 66, 68, 69, 74, 80, 203, 210, 2403],
    ),
  ),
  B: new Set([
    ...named(
      'B',
      [5, 7, 8, 12, 13, 14, 15, 16, 17, 18, 21, 22, 27, 35, 37, 38, 39, 40, 41, 42, 44, 45, 46, 47, 48, 49, 50],
    ),
    ...named(
      'B',
      [51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63, 64, 65, 67, 70, 71, 72, 73, 75, 76, 77, 78, 81, 82],
    ),
    ...named('B', [703, 2708, 3901, 3902, 4005, 5102, 5103, 8201]),
    'Bw4',
    'Bw6',
  ]),
  C: new Set(named('Cw', [...range(1, 10), 12, 14, 15, 16, 17, 18])),
  DR: new Set(named('DR', [...range(1, 18), 103, 1403, 1404, 51, 52, 53])),
  DQ: new Set(named('DQ', range(1, 9))),
  DP: new Set(named('DP', range(1, 105))),
};

/** Broad antigen → its splits (WHO nomenclature). A split and its broad count as a match. */
export const SPLITS: Readonly<Record<string, readonly string[]>> = {
  A9: ['A23', 'A24'],
  A10: ['A25', 'A26', 'A34', 'A66'],
  A19: ['A29', 'A30', 'A31', 'A32', 'A33', 'A74'],
  A28: ['A68', 'A69'],
  B5: ['B51', 'B52'],
  B12: ['B44', 'B45'],
  B14: ['B64', 'B65'],
  B15: ['B62', 'B63', 'B75', 'B76', 'B77'],
  B16: ['B38', 'B39'],
  B17: ['B57', 'B58'],
  B21: ['B49', 'B50'],
  B22: ['B54', 'B55', 'B56'],
  B40: ['B60', 'B61'],
  B70: ['B71', 'B72'],
  Cw3: ['Cw9', 'Cw10'],
  DR2: ['DR15', 'DR16'],
  DR3: ['DR17', 'DR18'],
  DR5: ['DR11', 'DR12'],
  DR6: ['DR13', 'DR14'],
  DQ1: ['DQ5', 'DQ6'],
  DQ3: ['DQ7', 'DQ8', 'DQ9'],
};
const BROAD_OF: ReadonlyMap<string, string> = new Map(
  Object.entries(SPLITS).flatMap(([broad, splits]) => splits.map((s) => [s, broad] as const)),
);

/** The locus an antigen name belongs to, or undefined when it is no antigen UHR knows. */
export function locusOf(antigen: string): HlaLocus | undefined {
  return HLA_LOCI.find((locus) => KNOWN[locus].has(antigen));
}

/** The problems with a typing (unknown antigen, antigen at the wrong locus, more than two at a locus). */
export function typingProblems(typing: HlaTyping, field: string): string[] {
  const problems: string[] = [];
  for (const [locus, antigens] of Object.entries(typing)) {
    if (!HLA_LOCI.includes(locus as HlaLocus)) problems.push(`${field}.${locus}: unknown HLA locus`);
    else if (antigens.length < 1 || antigens.length > 2) problems.push(`${field}.${locus}: one or two antigens`);
    else
      for (const a of antigens)
        if (locusOf(a) !== locus) problems.push(`${field}.${locus}: unknown ${locus} antigen "${a}"`);
  }
  return problems;
}

/** The problems with a list of unacceptable antigens (each must be a known antigen at any locus). */
export function antigenListProblems(antigens: readonly string[], field: string): string[] {
  return antigens.filter((a) => locusOf(a) === undefined).map((a) => `${field}: unknown HLA antigen "${a}"`);
}

/** Whether two antigens are the same specificity, a split and its broad counting as equal. */
function equivalent(a: string, b: string): boolean {
  return a === b || BROAD_OF.get(a) === b || BROAD_OF.get(b) === a;
}

/**
 * Mismatches at one locus: the distinct donor antigens the candidate has no equivalent of (0–2). A homozygous
 * donor (one antigen, or the same twice) counts once.
 */
export function locusMismatches(donor: readonly string[] = [], candidate: readonly string[] = []): number {
  let count = 0;
  const seen: string[] = [];
  for (const d of donor) {
    if (seen.includes(d)) continue;
    seen.push(d);
    if (!candidate.some((c) => equivalent(d, c))) count += 1;
  }
  return count;
}

export interface AbdrMismatch {
  readonly A: number;
  readonly B: number;
  readonly DR: number;
  readonly total: number;
}

/** Kidney and pancreas count A, B and DR only (0–6); 0-ABDR is total 0. */
export function abdrMismatch(donor: HlaTyping, candidate: HlaTyping): AbdrMismatch {
  const A = locusMismatches(donor.A, candidate.A);
  const B = locusMismatches(donor.B, candidate.B);
  const DR = locusMismatches(donor.DR, candidate.DR);
  return { A, B, DR, total: A + B + DR };
}

/**
 * The donor antigens a candidate lists as unacceptable (virtual crossmatch): an exact hit, or a donor split whose
 * broad is listed. Sorted, so the reason reads the same in every run.
 */
export function unacceptableHits(donor: HlaTyping, unacceptable: readonly string[]): string[] {
  if (unacceptable.length === 0) return [];
  const hits: string[] = [];
  for (const locus of HLA_LOCI)
    for (const d of donor[locus] ?? []) {
      const broad = BROAD_OF.get(d);
      if ((unacceptable.includes(d) || (broad !== undefined && unacceptable.includes(broad))) && !hits.includes(d))
        hits.push(d);
    }
  return hits.sort();
}
