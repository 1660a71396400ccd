import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CLOCK, type Clock } from '../../../clock.js';
import { InboxRepository } from '../../../inbox/inbox.repository.js';
import { notifyPush } from '../../../stream/push-channel.js';
import { composeDigest, dueDigestDate } from '../../domain/preferences.js';
import { PreferencesRepository } from '../../preferences.repository.js';

/**
 * For each user with a daily digest whose local digest time has passed: one inbox row summarising what was
 * held for the digest, pushed live. The row's event id is "digest:<local date>", so however many instances run
 * this, a user gets at most one digest a day; items already summarised are marked and never counted twice.
 */
@Injectable()
export class SendDigestsUseCase {
  constructor(
    private readonly ds: DataSource,
    private readonly preferences: PreferencesRepository,
    private readonly inbox: InboxRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute(): Promise<number> {
    const now = this.clock.now();
    let sent = 0;
    for (const { subject, digest } of await this.preferences.digestSubscribers()) {
      const date = dueDigestDate(digest, now);
      if (!date) continue;
      const done = await this.ds
        .transaction(async (m) => {
          const already: unknown[] = await m.query('select 1 from inbox where recipient = $1 and event_id = $2', [
            subject,
            `digest:${date}`,
          ]);
          if (already.length > 0) return false;
          const items = await this.inbox.takeDigestItems(m, subject);
          if (items.length === 0) return false;
          const msg = composeDigest(items);
          const [row] = await this.inbox.insert(m, [
            {
              id: randomUUID(),
              recipient: subject,
              eventId: `digest:${date}`,
              type: 'notifications.DailyDigest',
              role: 'owner',
              severity: 'info',
              delivery: 'push',
              title: msg.title,
              body: msg.body,
              data: { date, items: items.map((i) => i.id) },
              occurredAt: now.toISOString(),
            },
          ]);
          // Lost a race with another instance: roll back so the items stay marked by the winner only.
          if (!row) throw new DigestRace();
          await notifyPush(m, subject, row);
          return true;
        })
        .catch((err) => {
          if (err instanceof DigestRace) return false;
          throw err;
        });
      if (done) sent += 1;
    }
    return sent;
  }
}

class DigestRace extends Error {}
