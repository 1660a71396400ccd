import {
  childApartFromParent,
  controlledDrugAbuse,
  distanceKm,
  impossibleTravel,
  serialGuessing,
  wrongReceiver,
} from '../../src/anomalies/domain/rules.js';

const BERLIN = { gln: 'B', latitude: 52.52, longitude: 13.405 };
const PARIS = { gln: 'P', latitude: 48.8566, longitude: 2.3522 };
const t = (minutes: number) => new Date(Date.UTC(2027, 0, 1) + minutes * 60_000);

describe('anomaly rules', () => {
  it('great-circle distance Berlin–Paris is about 878 km (published figure)', () => {
    expect(distanceKm(BERLIN, PARIS)).toBeGreaterThan(870);
    expect(distanceKm(BERLIN, PARIS)).toBeLessThan(885);
  });

  it('impossible travel: Berlin → Paris in 30 min is ~1,756 km/h (> 900), in 2 h it is plausible', () => {
    const fast = impossibleTravel('epc', { ...BERLIN, at: t(0) }, { ...PARIS, at: t(30) }, 900, ['a', 'b']);
    expect(fast).toMatchObject({ rule: 'impossible-travel', severity: 'critical', parties: ['a', 'b'] });
    expect(fast!.evidence.kmh).toBeGreaterThan(1700);
    expect(impossibleTravel('epc', { ...BERLIN, at: t(0) }, { ...PARIS, at: t(120) }, 900, [])).toBeUndefined();
    expect(impossibleTravel('epc', { ...BERLIN, at: t(0) }, { ...BERLIN, at: t(0) }, 900, [])).toBeUndefined();
  });

  it('wrong receiver: only when a destination was named and someone else received', () => {
    expect(wrongReceiver('epc', 'pharmacy', 'thief', t(0))).toMatchObject({
      rule: 'wrong-receiver',
      parties: ['pharmacy', 'thief'],
    });
    expect(wrongReceiver('epc', 'pharmacy', 'pharmacy', t(0))).toBeUndefined();
    expect(wrongReceiver('epc', null, 'anyone', t(0))).toBeUndefined();
  });

  it('child apart from parent: a pack seen elsewhere than its case', () => {
    expect(childApartFromParent('epc', 'case', 'W', 'P', [])).toMatchObject({ rule: 'child-apart-from-parent' });
    expect(childApartFromParent('epc', 'case', 'W', 'W', [])).toBeUndefined();
  });

  it('serial guessing: the threshold of unknown serials within the window, not spread over longer', () => {
    const burst = [0, 1, 2, 3, 4].map((m) => t(m).getTime());
    expect(serialGuessing('site', burst, 5, 10 * 60_000, 'p')).toMatchObject({
      rule: 'serial-guessing',
      evidence: { count: 5 },
    });
    expect(serialGuessing('site', burst.slice(1), 5, 10 * 60_000, 'p')).toBeUndefined();
    const slow = [0, 10, 20, 30, 40].map((m) => t(m).getTime());
    expect(serialGuessing('site', slow, 5, 10 * 60_000, 'p')).toBeUndefined();
  });

  it('controlled-drug abuse: one patient, one substance, three pharmacies within the window', () => {
    const d = (pharmacy: string, days: number) => ({
      pharmacy,
      at: t(days * 1440),
      gtin: 'g',
      serial: `${pharmacy}${days}`,
    });
    const week = 7 * 24 * 3600_000;
    const history = [d('p1', 0), d('p2', 2), d('p1', 3), d('p3', 5)];
    expect(controlledDrugAbuse('patient', 'oxycodone', history, t(5 * 1440), week, 3)).toMatchObject({
      rule: 'controlled-drug-abuse',
      parties: ['p1', 'p2', 'p3'],
    });
    // The first dispensation at p1 left the window: only p2 and p3 … and p1 again on day 3 keeps three.
    expect(controlledDrugAbuse('patient', 'oxycodone', history, t(9 * 1440), week, 3)).toBeDefined();
    expect(controlledDrugAbuse('patient', 'oxycodone', history, t(11 * 1440), week, 3)).toBeUndefined();
  });
});
