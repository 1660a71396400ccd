import { Inject, Injectable } from '@nestjs/common';
import { KeyRing, openText, sealText } from '@uhr/platform';

export const RECORDS_KEY_RING = Symbol('RECORDS_KEY_RING');

/**
 * A record's title says what the patient was tested or treated for ("HIV viral load"): it is sealed under its own
 * data key, bound to the record id, wherever it is stored or sent — the projection, the event, the outbox, Kafka —
 * and opened only to answer the patient, the author and the gatekeeper's allowed readers.
 */
@Injectable()
export class RecordTitles {
  constructor(@Inject(RECORDS_KEY_RING) private readonly ring: KeyRing) {}

  seal(recordId: string, title: string): string {
    return sealText(title, this.ring, aadOf(recordId));
  }

  /** The row's title: opened from `title_sealed`; rows from before titles were sealed still hold it in clear. */
  open<R extends { id: string; title: string | null; title_sealed: string | null }>(row: R): R & { title: string } {
    if (row.title_sealed === null) return { ...row, title: row.title ?? '' };
    return { ...row, title: openText(row.title_sealed, this.ring, aadOf(row.id)) };
  }
}

const aadOf = (recordId: string) => `uhr.records.title:${recordId}`;
