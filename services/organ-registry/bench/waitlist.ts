// A seeded synthetic kidney waitlist for the benchmark: the same seed is the same candidates, byte for byte.
import type { MatchCandidate, MatchOrgan } from '../src/matching/domain/match-run.js';

/** mulberry32: a small, fast, seeded PRNG — enough for test data, never for secrets. */
export function seeded(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const A = ['A1', 'A2', 'A3', 'A11', 'A24', 'A26', 'A29', 'A30', 'A31', 'A32', 'A33', 'A68'];
const B = ['B7', 'B8', 'B13', 'B18', 'B27', 'B35', 'B38', 'B39', 'B44', 'B51', 'B57', 'B60', 'B62'];
const DR = ['DR1', 'DR4', 'DR7', 'DR8', 'DR11', 'DR13', 'DR15', 'DR16', 'DR17'];
const DQ = ['DQ2', 'DQ4', 'DQ5', 'DQ6', 'DQ7', 'DQ8'];
const GROUPS = ['O', 'O', 'O', 'O', 'A', 'A', 'A', 'B', 'B', 'AB'] as const;
const DAY = 86_400_000;
export const BENCH_AT = Date.parse('2026-01-01T00:00:00Z');

export function benchOrgan(): MatchOrgan {
  return {
    id: 'bench-kidney',
    type: 'kidney',
    abo: 'A2',
    hla: { A: ['A1', 'A2'], B: ['B8', 'B44'], DR: ['DR4', 'DR15'], DQ: ['DQ6', 'DQ7'] },
    kdpi: 30,
    location: { lat: 39.95, lon: -75.16 },
  };
}

export function waitlist(size: number, seed = 20260101): MatchCandidate[] {
  const rnd = seeded(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
  const pair = (xs: readonly string[]) => [pick(xs), pick(xs)];
  return Array.from({ length: size }, (_, i) => {
    const sensitised = rnd() < 0.3;
    const registeredAt = BENCH_AT - Math.floor(rnd() * 3650) * DAY;
    return {
      id: `cand-${String(i).padStart(7, '0')}`,
      organ: 'kidney',
      abo: pick(GROUPS),
      a2Eligible: rnd() < 0.2,
      hla: { A: pair(A), B: pair(B), DR: pair(DR), DQ: pair(DQ) },
      unacceptable: sensitised ? [pick(A), pick(B), pick(DR)] : [],
      cpra: sensitised ? Math.floor(rnd() * 101) : 0,
      registeredAt,
      ...(rnd() < 0.8 ? { dialysisStartAt: registeredAt - Math.floor(rnd() * 720) * DAY } : {}),
      paediatric: rnd() < 0.03,
      priorLivingDonor: rnd() < 0.01,
      ...(rnd() < 0.9 ? { epts: Math.floor(rnd() * 101) } : {}),
      location: { lat: 25 + rnd() * 23, lon: -124 + rnd() * 57 },
    };
  });
}
