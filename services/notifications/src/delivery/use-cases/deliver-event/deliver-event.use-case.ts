import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { EventEnvelope } from '@uhr/platform';
import type { EntityManager } from 'typeorm';
import { resolve } from '../../../catalogue/domain/catalogue.js';
import { CLOCK, type Clock } from '../../../clock.js';
import { InboxRepository, type NewInboxRow } from '../../../inbox/inbox.repository.js';
import { decideDelivery } from '../../../preferences/domain/preferences.js';
import { PreferencesRepository } from '../../../preferences/preferences.repository.js';
import { notifyPush } from '../../../stream/push-channel.js';
import { WebhooksRepository } from '../../../webhooks/webhooks.repository.js';
import { SkippedEventsRepository } from '../../skipped-events.repository.js';
import { AuditorDirectory } from '../../auditor-directory.js';

export interface DeliveryOutcome {
  inbox: number;
  pushed: number;
  webhooks: number;
  skipped: string | null;
}

/**
 * One consumed event → inbox rows, live pushes and webhook deliveries, all inside the consumer's transaction
 * (the same one that records the event id as processed): either all of it happens once, or none of it.
 */
@Injectable()
export class DeliverEventUseCase {
  constructor(
    private readonly inbox: InboxRepository,
    private readonly preferences: PreferencesRepository,
    private readonly webhooks: WebhooksRepository,
    private readonly skipped: SkippedEventsRepository,
    private readonly auditors: AuditorDirectory,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute(env: EventEnvelope, m: EntityManager): Promise<DeliveryOutcome> {
    const resolution = resolve(env.type, env.version, env.payload, { auditors: this.auditors.current() });
    if (resolution.kind === 'skip') {
      // A known type we could not read is kept whole for a later replay; unknown types are just counted.
      const keep = resolution.reason === 'invalid-payload' || resolution.reason === 'unsupported-version';
      await this.skipped.record(m, {
        eventId: env.id,
        type: env.type,
        reason: resolution.reason,
        detail: resolution.detail,
        envelope: keep ? env : undefined,
      });
      return { inbox: 0, pushed: 0, webhooks: 0, skipped: resolution.reason };
    }
    const { entry, recipients, payload } = resolution;
    const severity = entry.safety ? 'alert' : 'info';
    const prefs = await this.preferences.getMany(
      m,
      recipients.map((r) => r.subject),
    );
    const now = this.clock.now();
    const rows: NewInboxRow[] = [];
    for (const r of recipients) {
      const delivery = decideDelivery(env.type, entry.safety, prefs.get(r.subject)!, now);
      if (delivery === 'drop') {
        await this.skipped.record(m, { eventId: env.id, type: env.type, reason: 'muted', recipient: r.subject });
        continue;
      }
      rows.push({
        id: randomUUID(),
        recipient: r.subject,
        eventId: env.id,
        type: env.type,
        role: r.as,
        severity,
        delivery,
        title: r.title,
        body: r.body,
        data: payload,
        occurredAt: env.occurredAt,
      });
    }
    const inserted = await this.inbox.insert(m, rows);
    const recipientOf = new Map(rows.map((r) => [r.id, r.recipient]));
    let pushed = 0;
    for (const item of inserted) {
      if (item.delivery !== 'push') continue;
      await notifyPush(m, recipientOf.get(item.id)!, item);
      pushed += 1;
    }
    // Organisations' systems get every event addressed to them; mutes are a person's choice, not a hospital's.
    const bodies = new Map<string, unknown>(
      recipients.map((r) => [
        r.subject,
        {
          event: {
            id: env.id,
            type: env.type,
            occurredAt: env.occurredAt,
            aggregateId: env.aggregateId,
            correlationId: env.correlationId,
          },
          recipient: { subject: r.subject, role: r.as },
          notification: { title: r.title, body: r.body, severity },
          data: payload,
        },
      ]),
    );
    const webhooks = await this.webhooks.enqueue(m, { id: env.id, type: env.type }, bodies);
    return { inbox: inserted.length, pushed, webhooks, skipped: null };
  }
}
