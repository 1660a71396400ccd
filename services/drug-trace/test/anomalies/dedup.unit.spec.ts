import { dedupKey, openAlertFor, type OpenAlert } from '../../src/anomalies/domain/dedup.js';
import { cloneSuspicion, controlledDrugAbuse, serialGuessing, type Alert } from '../../src/anomalies/domain/rules.js';

const HOUR = 3_600_000;
const t = (minutes: number) => new Date(Date.UTC(2027, 0, 1) + minutes * 60_000);
const EPC = 'https://id.gs1.org/01/09521234543213/21/S1';
const clone = (parties: string[]) => cloneSuspicion(EPC, 'supplied requested again', 'supplied', parties, t(0));
const openOf = (a: Alert, id: string, at: Date, parties = a.parties): OpenAlert => ({
  id,
  rule: a.rule,
  subject: a.subject,
  parties,
  createdAt: at,
});

describe('alert de-duplication (one alert per rule and subject in a window)', () => {
  it('each rule names its subject: the EPC, the site, the patient and substance', () => {
    expect(clone(['a']).subject).toBe(EPC);
    expect(serialGuessing('9521234000020', [0, 1, 2], 3, 60_000, 'a')!.subject).toBe('9521234000020');
    const d = (pharmacy: string) => ({ pharmacy, at: t(0), gtin: 'g', serial: pharmacy });
    const abuse = controlledDrugAbuse('patient-7', 'oxycodone', [d('A'), d('B'), d('C')], t(1), HOUR, 3)!;
    expect(abuse.subject).toBe('patient-7|oxycodone');
    expect(dedupKey(abuse)).toBe('controlled-drug-abuse|patient-7|oxycodone');
  });

  it('a repeat within the window is counted on the open alert', () => {
    const first = openOf(clone(['a']), 'x1', t(0));
    expect(openAlertFor([first], clone(['a']), t(30), HOUR)?.id).toBe('x1');
  });

  it('at or after the window the repeat is a new alert', () => {
    const first = openOf(clone(['a']), 'x1', t(0));
    expect(openAlertFor([first], clone(['a']), t(59), HOUR)?.id).toBe('x1');
    expect(openAlertFor([first], clone(['a']), t(60), HOUR)).toBeUndefined();
  });

  it('another subject or another rule is another alert', () => {
    const first = openOf(clone(['a']), 'x1', t(0));
    const otherEpc = cloneSuspicion(`${EPC}0`, 'again', 'supplied', ['a'], t(0));
    expect(openAlertFor([first], otherEpc, t(1), HOUR)).toBeUndefined();
    const guessing = serialGuessing(EPC, [0, 1], 2, 60_000, 'a')!; // same subject text, other rule
    expect(openAlertFor([first], guessing, t(1), HOUR)).toBeUndefined();
  });

  it('a repeat concerning a party the open alert did not concern is an alert of its own (nobody sees others’ evidence)', () => {
    const first = openOf(clone(['a']), 'x1', t(0));
    expect(openAlertFor([first], clone(['a', 'b']), t(1), HOUR)).toBeUndefined();
    expect(openAlertFor([first], clone(['b']), t(1), HOUR)).toBeUndefined();
    // …and a repeat concerning fewer of its parties is counted on it.
    const wide = openOf(clone(['a', 'b']), 'x2', t(2));
    expect(openAlertFor([first, wide], clone(['b']), t(3), HOUR)?.id).toBe('x2');
  });

  it('of several open alerts the newest that qualifies takes the count', () => {
    const older = openOf(clone(['a']), 'old', t(0));
    const newer = openOf(clone(['a']), 'new', t(10));
    expect(openAlertFor([newer, older], clone(['a']), t(20), HOUR)?.id).toBe('new');
    expect(openAlertFor([older, newer], clone(['a']), t(20), HOUR)?.id).toBe('new');
  });
});
