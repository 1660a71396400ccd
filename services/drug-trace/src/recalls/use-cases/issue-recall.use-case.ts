import { Injectable } from '@nestjs/common';
import { EventStore, topicOf, type EventContext } from '@uhr/platform';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { Party } from '../../master-data/domain/master-data.js';
import type { Recall } from '../domain/recall.js';
import { RecallIndex } from '../recall-index.js';
import { RecallRepository } from '../recall.repository.js';

export const RECALL_TOPIC = topicOf('drug-trace', 'recall');
export const RECALL_ISSUED = 'drug-trace.RecallIssued';

/** A recall stored, its active packs made recalled, and every current custodian told (outbox → notifications). */
@Injectable()
export class IssueRecallUseCase {
  constructor(
    private readonly ds: DataSource,
    private readonly recalls: RecallRepository,
    private readonly index: RecallIndex,
    private readonly events: EventStore,
  ) {}

  async execute(
    by: Party,
    input: Omit<Recall, 'id' | 'createdAt'>,
    productName: string,
    ctx: EventContext,
  ): Promise<Recall> {
    const recall: Recall = { ...input, id: randomUUID(), createdAt: ctx.occurredAt };
    await this.ds.transaction(async (m) => {
      const custodians = await this.recalls.add(m, recall, by.id);
      const rows = (await m.query('select subject from parties where id = any($1::uuid[])', [custodians])) as Array<{
        subject: string;
      }>;
      const payload = {
        recallId: recall.id,
        gtin: recall.gtin,
        lot: recall.lot,
        serialCount: recall.serials?.length ?? null,
        productName,
        reason: recall.reason,
        manufacturerSubject: by.subject,
        custodianSubjects: rows.map((r) => r.subject),
      };
      await this.events.append(
        m,
        `recall-${recall.id}`,
        0,
        [{ type: RECALL_ISSUED, version: 1, payload }],
        ctx,
        RECALL_TOPIC,
      );
    });
    this.index.add(recall);
    return recall;
  }
}
