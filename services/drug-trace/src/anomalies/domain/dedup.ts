import type { Alert } from './rules.js';

/** An alert already stored, which a repeat of its rule and subject may be counted on. */
export interface OpenAlert {
  id: string;
  rule: Alert['rule'];
  subject: string;
  parties: readonly string[];
  createdAt: Date;
}

/** The de-duplication key: one alert per rule and subject in a window. */
export const dedupKey = (a: Pick<Alert, 'rule' | 'subject'>) => `${a.rule}|${a.subject}`;

/**
 * Pure: the open alert a new one is counted on, if any — same rule and subject, raised less than `windowMs`
 * before `at`, and concerning every party the new one concerns (a party the open alert did not concern gets an
 * alert of its own, so a repeat never shows anyone evidence gathered for others). The newest such alert wins.
 */
export function openAlertFor(open: readonly OpenAlert[], a: Alert, at: Date, windowMs: number): OpenAlert | undefined {
  const key = dedupKey(a);
  let best: OpenAlert | undefined;
  for (const o of open) {
    const age = at.getTime() - o.createdAt.getTime();
    if (dedupKey(o) !== key || age >= windowMs) continue;
    if (!a.parties.every((p) => o.parties.includes(p))) continue;
    if (!best || o.createdAt > best.createdAt) best = o;
  }
  return best;
}
