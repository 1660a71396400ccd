/**
 * A user's notification preferences and the pure rules that apply them. The clock is passed in.
 */

export interface QuietHours {
  /** Local wall-clock "HH:MM"; a window may cross midnight (22:00 → 07:00). */
  start: string;
  end: string;
  /** IANA time zone, e.g. "Europe/Paris". */
  timezone: string;
}

export interface DigestSetting {
  daily: boolean;
  /** Local "HH:MM" at which the day's digest is composed. */
  at: string;
  timezone: string;
}

export interface Preferences {
  mutedTypes: string[];
  quietHours: QuietHours | null;
  digest: DigestSetting;
}

export const defaultPreferences = (): Preferences => ({
  mutedTypes: [],
  quietHours: null,
  digest: { daily: false, at: '08:00', timezone: 'UTC' },
});

/**
 * What happens to one notification for one recipient:
 * - `drop`: muted, no inbox row;
 * - `push`: inbox row and live push;
 * - `quiet`: inbox row, no push (quiet hours);
 * - `digest`: inbox row, no push, summarised in the next daily digest.
 */
export type Delivery = 'drop' | 'push' | 'quiet' | 'digest';

export function decideDelivery(type: string, safety: boolean, prefs: Preferences, now: Date): Delivery {
  if (safety) return 'push';
  if (prefs.mutedTypes.includes(type)) return 'drop';
  if (prefs.digest.daily) return 'digest';
  if (prefs.quietHours && inQuietHours(prefs.quietHours, now)) return 'quiet';
  return 'push';
}

export const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;

const minutesOf = (hhmm: string): number => {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
};

/** Local date ("YYYY-MM-DD") and minutes since local midnight of `now` in `timezone`. */
export function localTime(now: Date, timezone: string): { date: string; minutes: number } {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: timezone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(now);
  const get = (t: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === t)?.value ?? '00';
  return {
    date: `${get('year')}-${get('month')}-${get('day')}`,
    minutes: Number(get('hour')) * 60 + Number(get('minute')),
  };
}

/** Start inclusive, end exclusive; equal start and end means no quiet window. */
export function inQuietHours(q: QuietHours, now: Date): boolean {
  const start = minutesOf(q.start);
  const end = minutesOf(q.end);
  if (start === end) return false;
  const t = localTime(now, q.timezone).minutes;
  return start < end ? t >= start && t < end : t >= start || t < end;
}

/** The local date whose digest is due at `now` (its "at" time has passed), or null when none is due. */
export function dueDigestDate(d: DigestSetting, now: Date): string | null {
  if (!d.daily) return null;
  const local = localTime(now, d.timezone);
  return local.minutes >= minutesOf(d.at) ? local.date : null;
}

export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** One line per type, most frequent first: the digest's body. */
export function composeDigest(items: Array<{ type: string; title: string }>): { title: string; body: string } {
  const counts = new Map<string, { title: string; n: number }>();
  for (const i of items) {
    const c = counts.get(i.type) ?? { title: i.title, n: 0 };
    c.n += 1;
    counts.set(i.type, c);
  }
  const lines = [...counts.values()].sort((a, b) => b.n - a.n).map((c) => `${c.n} × ${c.title}`);
  return {
    title: `Your daily digest: ${items.length} notification${items.length === 1 ? '' : 's'}`,
    body: lines.join('\n'),
  };
}
