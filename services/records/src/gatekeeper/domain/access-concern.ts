import type { DomainEvent } from '@uhr/platform';

/** A patient's concern about one access to their records: sent to the auditors, one per access. */
export interface AccessConcern {
  auditId: string;
  recordId: string;
  patientSubject: string;
  readerSubject: string;
  message: string;
  raisedAt: string;
}

/** The access a concern is about, as the audit log holds it. */
export interface ConcernedEntry {
  id: string;
  recordId: string;
  patientSubject: string | null;
  readerSubject: string;
}

export const CONCERN_MESSAGE_MAX = 2000;

export type ConcernRefusal =
  | { refused: 'NotThePatient'; message: string }
  | { refused: 'OwnAccess'; message: string }
  | { refused: 'MessageTooLong'; message: string };

export type ConcernDecision =
  { raise: AccessConcern; event: DomainEvent } | { already: AccessConcern } | ConcernRefusal;

/**
 * Only the patient whose record was read raises a concern about that access — not about their own reads; a
 * concern raised again answers the first (a retried click never files two).
 */
export function decideConcern(
  entry: ConcernedEntry,
  by: string,
  message: string,
  existing: AccessConcern | undefined,
  now: Date,
): ConcernDecision {
  if (entry.patientSubject === null || entry.patientSubject !== by) {
    return { refused: 'NotThePatient', message: 'only the patient whose record was read raises a concern about it' };
  }
  if (entry.readerSubject === by) {
    return { refused: 'OwnAccess', message: 'this access was your own' };
  }
  const text = message.trim();
  if (text.length > CONCERN_MESSAGE_MAX) {
    return { refused: 'MessageTooLong', message: `message is at most ${CONCERN_MESSAGE_MAX} characters` };
  }
  if (existing) return { already: existing };
  const raise: AccessConcern = {
    auditId: entry.id,
    recordId: entry.recordId,
    patientSubject: by,
    readerSubject: entry.readerSubject,
    message: text,
    raisedAt: now.toISOString(),
  };
  return { raise, event: { type: 'records.AccessConcernRaised', version: 1, payload: { ...raise } } };
}
