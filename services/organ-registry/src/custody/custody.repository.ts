import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { enqueueChainJob, EventStore, type EventContext } from '@uhr/platform';
import { DataSource, type EntityManager } from 'typeorm';
import { INTEGRITY_TOPIC } from '../audit/access-audit.js';
import { DONATION_TOPIC } from '../donation/donation.repository.js';
import { CustodyChain, type CustodyJob } from './custody-chain.js';
import type { CustodyState, StageName } from './domain/custody.js';

export interface CustodyEventView {
  seq: number;
  kind: string;
  stage: string | null;
  fromId: string | null;
  toId: string | null;
  discrepancy: boolean;
  details: unknown;
  status: string;
  txHash: string | null;
  reason: string | null;
}

interface Relay {
  kind: 'register' | 'hand-off' | 'reconcile';
  state: CustodyState;
  stage: StageName | null;
  fromId: string | null;
  toId: string | null;
  details: Record<string, unknown>;
  discrepancy: boolean;
  job: Omit<CustodyJob, 'eventId'>;
  event: { type: string; payload: Record<string, unknown> };
}

/** The only door to custody's storage: state, the relayed facts and their chain jobs, in one transaction each. */
@Injectable()
export class CustodyRepository {
  constructor(
    private readonly ds: DataSource,
    private readonly events: EventStore,
    private readonly chain: CustodyChain,
  ) {}

  async state(organId: string): Promise<(CustodyState & { chainOrganId: string }) | undefined> {
    const rows: { chain_organ_id: string; custodian_id: string; seq: number; stage: StageName; blocked: boolean }[] =
      await this.ds.query(`select chain_organ_id, custodian_id, seq, stage, blocked from custody where organ_id = $1`, [
        organId,
      ]);
    const r = rows[0];
    return (
      r && {
        organId,
        chainOrganId: r.chain_organ_id,
        custodianId: r.custodian_id,
        seq: r.seq,
        stage: r.stage,
        blocked: r.blocked,
      }
    );
  }

  /** Writes the new state, the fact, its event and its chain job (one transaction per fact: rule 5). */
  async relay(chainOrganId: string, r: Relay, ctx: EventContext): Promise<void> {
    await this.ds.transaction(async (m) => {
      const s = r.state;
      await m.query(
        `insert into custody (organ_id, chain_organ_id, custodian_id, seq, stage, blocked, updated_at)
         values ($1, $2, $3, $4, $5, $6, $7)
         on conflict (organ_id) do update set custodian_id = $3, seq = $4, stage = $5, blocked = $6, updated_at = $7`,
        [s.organId, chainOrganId, s.custodianId, s.seq, s.stage, s.blocked, ctx.occurredAt],
      );
      const [{ id }] = (await m.query(
        `insert into custody_events (organ_id, seq, kind, stage, from_id, to_id, details, discrepancy, created_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning id`,
        [s.organId, s.seq, r.kind, r.stage, r.fromId, r.toId, r.details, r.discrepancy, ctx.occurredAt],
      )) as [{ id: string }];
      await enqueueChainJob(m, `custody-${s.organId}-${id}`, this.chain.kind(), { ...r.job, eventId: String(id) });
      const n = (await this.events.load(`custody-${s.organId}`, m)).length;
      await this.events.append(m, `custody-${s.organId}`, n, [{ version: 1, ...r.event }], ctx, DONATION_TOPIC);
      if (r.discrepancy)
        await this.alert(m, s.organId, 'organ-registry.CustodyDiscrepancyDetected', r.event.payload, ctx);
    });
  }

  /** An integrity alert (a gap, a discrepancy) for auditors, in its own transaction when the fact is refused. */
  async alert(
    m: EntityManager | undefined,
    organId: string,
    type: string,
    payload: Record<string, unknown>,
    ctx: EventContext,
  ) {
    const write = (tx: EntityManager) =>
      this.events.append(
        tx,
        `${type}-${organId}-${randomUUID()}`,
        0,
        [{ type, version: 1, payload }],
        ctx,
        INTEGRITY_TOPIC,
      );
    await (m ? write(m) : this.ds.transaction(write));
  }

  async history(organId: string): Promise<CustodyEventView[]> {
    const rows: {
      seq: number;
      kind: string;
      stage: string | null;
      from_id: string | null;
      to_id: string | null;
      discrepancy: boolean;
      details: unknown;
      status: string;
      tx_hash: string | null;
      reason: string | null;
    }[] = await this.ds.query(
      `select seq, kind, stage, from_id, to_id, discrepancy, details, status, tx_hash, reason
         from custody_events where organ_id = $1 order by id`,
      [organId],
    );
    return rows.map((r) => ({
      seq: r.seq,
      kind: r.kind,
      stage: r.stage,
      fromId: r.from_id,
      toId: r.to_id,
      discrepancy: r.discrepancy,
      details: r.details,
      status: r.status,
      txHash: r.tx_hash,
      reason: r.reason,
    }));
  }
}
