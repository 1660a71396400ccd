import {
  cpraPoints,
  drPoints,
  proximityPoints,
  qualifyingDate,
  waitingDays,
} from '../../../src/matching/domain/kidney-points.js';
import { POLICY_2026_1 } from '../../../src/matching/domain/policy.js';

const k = POLICY_2026_1.kidney;
const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`);

describe('cPRA sliding scale', () => {
  it.each([
    [0, 0],
    [19, 0],
    [20, 0.08],
    [29, 0.08],
    [30, 0.21],
    [74, 1.09],
    [75, 1.58],
    [79, 1.58],
    [80, 2.46],
    [89, 4.05],
    [94, 6.71],
    [95, 10.82],
    [96, 12.17],
    [97, 17.3],
    [98, 24.4],
    [99, 50.09],
    [100, 202.1],
  ])('cPRA %i → %d points', (cpra, points) => {
    expect(cpraPoints(k.cpraSlidingScale, cpra)).toBe(points);
  });
});

describe('waiting time', () => {
  it('counts whole days from the qualifying date: 2024-01-01 → 2026-01-01 is 366 + 365 = 731 days', () => {
    expect(waitingDays(day('2024-01-01'), day('2026-01-01'))).toBe(731);
    // 731 × 1/365 = 2.0027397…
    expect(731 * k.waitingPointsPerDay).toBeCloseTo(2.00274, 5);
  });
  it('a partial day does not count; no qualifying date or a future one is 0', () => {
    expect(waitingDays(day('2025-12-31') + 3_600_000, day('2026-01-01'))).toBe(0);
    expect(waitingDays(undefined, day('2026-01-01'))).toBe(0);
    expect(waitingDays(day('2026-02-01'), day('2026-01-01'))).toBe(0);
  });
  it('adults: dialysis start counts even before registration', () => {
    const f = { registeredAt: day('2024-06-01'), dialysisStartAt: day('2024-03-01'), paediatric: false };
    expect(qualifyingDate(f)).toBe(day('2024-03-01'));
  });
  it('adults: GFR ≤ 20 documented before registration qualifies from registration, after it from that date', () => {
    expect(
      qualifyingDate({ registeredAt: day('2025-01-01'), gfrAtMost20At: day('2024-11-01'), paediatric: false }),
    ).toBe(day('2025-01-01'));
    expect(
      qualifyingDate({ registeredAt: day('2025-01-01'), gfrAtMost20At: day('2025-07-02'), paediatric: false }),
    ).toBe(day('2025-07-02'));
  });
  it('adults: the earlier of dialysis and GFR qualification; neither → no waiting time', () => {
    const f = { registeredAt: day('2025-01-01'), gfrAtMost20At: day('2025-02-01'), dialysisStartAt: day('2025-05-01') };
    expect(qualifyingDate({ ...f, paediatric: false })).toBe(day('2025-02-01'));
    expect(qualifyingDate({ registeredAt: day('2025-01-01'), paediatric: false })).toBeUndefined();
  });
  it('paediatric candidates wait from registration, whatever their dialysis date', () => {
    const f = { registeredAt: day('2025-01-01'), dialysisStartAt: day('2024-01-01'), paediatric: true };
    expect(qualifyingDate(f)).toBe(day('2025-01-01'));
  });
});

describe('DR mismatch and proximity points', () => {
  it('DR mismatches 0 → 2, 1 → 1, 2 → 0', () => {
    expect([0, 1, 2].map((n) => drPoints(k, n))).toEqual([2, 1, 0]);
  });
  it('inside the 250 NM circle: 2 at 0 NM, 2 × (1 − 125/250) = 1 at 125 NM, 0 at the edge', () => {
    expect(proximityPoints(k.proximity, 0)).toBe(2);
    expect(proximityPoints(k.proximity, 125)).toBe(1);
    expect(proximityPoints(k.proximity, 250)).toBe(0);
  });
  it('outside: 4 × (1 − (1375 − 250)/(2500 − 250)) = 2 at 1375 NM, 0 from 2500 NM', () => {
    expect(proximityPoints(k.proximity, 1375)).toBe(2);
    expect(proximityPoints(k.proximity, 2500)).toBe(0);
    expect(proximityPoints(k.proximity, 4000)).toBe(0);
  });
});
