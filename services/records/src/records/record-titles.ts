import { Inject, Injectable } from '@nestjs/common';
import { DomainError, KeyRing, KeyRingError, openText, sealText } from '@uhr/platform';

/** This instance does not hold the KEK something is sealed under (its ring is behind a rotation). */
export class KeyUnavailableError extends DomainError {
  readonly status = 503;
  constructor(what: string) {
    super('KeyUnavailable', `${what} is sealed under a key this instance does not hold`);
  }
}

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
    return { ...row, title: this.openSealed(row.id, row.title_sealed) };
  }

  /** The sealed title again, under the ring's active KEK (a rotation). */
  reseal(row: { id: string; title: string | null; title_sealed: string | null }): string {
    return this.seal(row.id, this.open(row).title);
  }

  private openSealed(recordId: string, sealed: string): string {
    try {
      return openText(sealed, this.ring, aadOf(recordId));
    } catch (err) {
      if (err instanceof KeyRingError) throw new KeyUnavailableError(`the title of record ${recordId}`);
      throw err;
    }
  }
}

const aadOf = (recordId: string) => `uhr.records.title:${recordId}`;
