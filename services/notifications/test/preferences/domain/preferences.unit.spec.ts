import {
  composeDigest,
  decideDelivery,
  defaultPreferences,
  dueDigestDate,
  inQuietHours,
  type Preferences,
} from '../../../src/preferences/domain/preferences.js';

const at = (iso: string) => new Date(iso);
const prefs = (p: Partial<Preferences>): Preferences => ({ ...defaultPreferences(), ...p });

describe('delivery rules', () => {
  const noon = at('2026-11-25T12:00:00Z');

  it('pushes by default', () => {
    expect(decideDelivery('records.RecordAdded', false, defaultPreferences(), noon)).toBe('push');
  });

  it('drops a muted type', () => {
    expect(decideDelivery('records.RecordRead', false, prefs({ mutedTypes: ['records.RecordRead'] }), noon)).toBe(
      'drop',
    );
    expect(decideDelivery('records.RecordAdded', false, prefs({ mutedTypes: ['records.RecordRead'] }), noon)).toBe(
      'push',
    );
  });

  it('never mutes, quiets or digests a safety alert, even if stored preferences say so', () => {
    const everything = prefs({
      mutedTypes: ['consent.BreakGlassUsed'],
      quietHours: { start: '00:00', end: '23:59', timezone: 'UTC' },
      digest: { daily: true, at: '08:00', timezone: 'UTC' },
    });
    expect(decideDelivery('consent.BreakGlassUsed', true, everything, noon)).toBe('push');
  });

  it('holds pushes during quiet hours but keeps the inbox row', () => {
    const p = prefs({ quietHours: { start: '11:00', end: '13:00', timezone: 'UTC' } });
    expect(decideDelivery('records.RecordAdded', false, p, noon)).toBe('quiet');
    expect(decideDelivery('records.RecordAdded', false, p, at('2026-11-25T13:00:00Z'))).toBe('push');
  });

  it('sends non-safety items to the digest when the daily digest is on', () => {
    const p = prefs({ digest: { daily: true, at: '08:00', timezone: 'UTC' } });
    expect(decideDelivery('records.RecordAdded', false, p, noon)).toBe('digest');
  });
});

describe('quiet hours', () => {
  const overnightParis = { start: '22:00', end: '07:00', timezone: 'Europe/Paris' };

  it.each([
    ['2026-11-25T20:59:00Z', false], // 21:59 in Paris (UTC+1 in winter)
    ['2026-11-25T21:00:00Z', true], // 22:00 Paris: start is inclusive
    ['2026-11-26T02:30:00Z', true], // 03:30 Paris, after midnight
    ['2026-11-26T05:59:00Z', true], // 06:59 Paris
    ['2026-11-26T06:00:00Z', false], // 07:00 Paris: end is exclusive
  ])('window crossing midnight at %s → %s', (iso, expected) => {
    expect(inQuietHours(overnightParis, at(iso))).toBe(expected);
  });

  it('follows daylight saving time (Paris is UTC+2 in summer)', () => {
    expect(inQuietHours(overnightParis, at('2026-07-01T20:00:00Z'))).toBe(true); // 22:00 CEST
    expect(inQuietHours(overnightParis, at('2026-07-01T19:59:00Z'))).toBe(false);
  });

  it('treats an empty window (start = end) as no quiet hours', () => {
    expect(inQuietHours({ start: '08:00', end: '08:00', timezone: 'UTC' }, at('2026-11-25T08:00:00Z'))).toBe(false);
  });
});

describe('daily digest', () => {
  const d = { daily: true, at: '08:00', timezone: 'America/New_York' };

  it('is due once the local time has passed, for the local date', () => {
    expect(dueDigestDate(d, at('2026-11-25T12:59:00Z'))).toBeNull(); // 07:59 in New York
    expect(dueDigestDate(d, at('2026-11-25T13:00:00Z'))).toBe('2026-11-25');
    expect(dueDigestDate(d, at('2026-11-26T03:00:00Z'))).toBe('2026-11-25'); // 22:00 the day before, locally
  });

  it('is never due when off', () => {
    expect(dueDigestDate({ ...d, daily: false }, at('2026-11-25T20:00:00Z'))).toBeNull();
  });

  it('summarises by type, most frequent first', () => {
    const m = composeDigest([
      { type: 'records.RecordRead', title: 'Your record was read' },
      { type: 'records.RecordAdded', title: 'A new record was added' },
      { type: 'records.RecordRead', title: 'Your record was read' },
    ]);
    expect(m.title).toBe('Your daily digest: 3 notifications');
    expect(m.body.split('\n')).toEqual(['2 × Your record was read', '1 × A new record was added']);
  });
});
