import { Injectable } from '@nestjs/common';
import { ConsentAbi } from '@uhr/contracts';
import { ChainWriter, enqueueChainJob, type EventContext } from '@uhr/platform';
import { Interface } from 'ethers';
import { DataSource, type EntityManager } from 'typeorm';
import { Contracts } from '../../chain/contracts.js';
import { AuditRepository, type AuditInput, type NonceClaim } from '../audit/audit.repository.js';

export const CONSUME_JOB = 'records.consume';

interface ConsumeCall {
  grantId: string;
  reader: string;
  /** The record's patient, as its anchored leaf proves it (Consent checks it against the grant's patient). */
  recordPatientId: string;
  recordId: string;
  category: string;
}

/** The job carries the read it pays for: its settlement writes the audit entry, whatever became of the request. */
interface ConsumeJob extends ConsumeCall {
  signer: string;
  nonce: string;
  audit: AuditInput;
  ctx: { actor: string; correlationId: string; causationId?: string; occurredAt: string };
}

export type UseOutcome =
  | { kind: 'spent'; auditId: string; redelivery: boolean }
  | { kind: 'refused'; auditId: string; reason: string }
  | { kind: 'replayed' }
  | { kind: 'unconfirmed' };

/**
 * Spends one use of a limited grant on-chain (Consent.consume, GATEKEEPER_ROLE) before the record is served —
 * exactly once per signed request. The nonce claim, the use and its chain job are committed together; the job's
 * settlement writes the read's audit entry (allowed, or GrantExhausted) in the same transaction as the chain's
 * answer, so a use spent on-chain always has its entry even if the service died while the reader waited. The
 * same signed request sent again (a retry after a crash or a lost answer) finds its use and is served the data it
 * already paid for instead of spending another. Jobs go through the service's single signer queue: concurrent
 * reads of a one-time grant are serialised by the chain, the second reverting with ConsentGrantExhausted.
 */
@Injectable()
export class GrantUseAdapter {
  private readonly iface = new Interface(ConsentAbi);

  constructor(
    writer: ChainWriter,
    contracts: Contracts,
    private readonly ds: DataSource,
    private readonly audit: AuditRepository,
  ) {
    const to = contracts.consent.target as string;
    writer.decodeErrorsWith(ConsentAbi).register<ConsumeJob>(CONSUME_JOB, {
      build: (r) => ({
        to,
        data: this.iface.encodeFunctionData('consume', [
          r.grantId,
          r.reader,
          r.recordPatientId,
          r.recordId,
          r.category,
        ]),
      }),
      onConfirmed: (m, job) => this.settle(m, job.request, { outcome: 'allowed', reason: null }),
      onRejected: (m, job, reason) =>
        this.settle(m, job.request, { outcome: 'denied', reason: 'GrantExhausted' }, reason),
    });
  }

  /** Claims the request's nonce and queues its use, or finds the use an earlier send of it queued. */
  async spend(
    claim: NonceClaim,
    call: ConsumeCall,
    audit: AuditInput,
    ctx: EventContext,
    timeoutMs = 15_000,
  ): Promise<UseOutcome> {
    const jobKey = `consume-${claim.signer}-${claim.nonce}`;
    const fresh = await this.ds.transaction(async (m) => {
      const claimed = (await m.query(
        `insert into read_nonces (signer, nonce, expires_at) values ($1, $2, $3) on conflict do nothing
         returning nonce`,
        [claim.signer, claim.nonce, claim.expiresAt],
      )) as unknown[];
      if (claimed.length === 0) return false;
      await m.query(
        `insert into grant_uses (signer, nonce, record_id, grant_id, job_key) values ($1, $2, $3, $4, $5)`,
        [claim.signer, claim.nonce, audit.recordId, call.grantId, jobKey],
      );
      const job: ConsumeJob = { ...call, signer: claim.signer, nonce: claim.nonce, audit, ctx: jobCtx(ctx) };
      await enqueueChainJob(m, jobKey, CONSUME_JOB, job);
      return true;
    });
    if (!fresh && !(await this.isUseOf(claim, audit.recordId))) return { kind: 'replayed' };
    return this.settled(claim, !fresh, timeoutMs);
  }

  /** The use a signed request already spent on this record (allowed), if any. */
  async spentUseOf(claim: NonceClaim, recordId: string): Promise<{ grantId: string } | undefined> {
    const [use] = (await this.ds.query(
      `select grant_id from grant_uses where signer = $1 and nonce = $2 and record_id = $3 and outcome = 'allowed'`,
      [claim.signer, claim.nonce, recordId],
    )) as Array<{ grant_id: string }>;
    return use ? { grantId: use.grant_id } : undefined;
  }

  private async isUseOf(claim: NonceClaim, recordId: string): Promise<boolean> {
    const rows = (await this.ds.query('select 1 from grant_uses where signer = $1 and nonce = $2 and record_id = $3', [
      claim.signer,
      claim.nonce,
      recordId,
    ])) as unknown[];
    return rows.length === 1;
  }

  /** Waits for the use's settlement (fail closed: a use the chain has not confirmed is not one we may serve). */
  private async settled(claim: NonceClaim, redelivery: boolean, timeoutMs: number): Promise<UseOutcome> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const [use] = (await this.ds.query(
        'select outcome, reason, audit_id from grant_uses where signer = $1 and nonce = $2',
        [claim.signer, claim.nonce],
      )) as Array<{ outcome: string | null; reason: string | null; audit_id: string | null }>;
      if (use?.outcome === 'allowed') return { kind: 'spent', auditId: use.audit_id!, redelivery };
      if (use?.outcome === 'denied') return { kind: 'refused', auditId: use.audit_id!, reason: use.reason ?? '' };
      if (Date.now() > deadline) return { kind: 'unconfirmed' };
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  private async settle(
    m: EntityManager,
    job: ConsumeJob,
    decided: Pick<AuditInput, 'outcome' | 'reason'>,
    chainReason?: string,
  ) {
    const ctx = { ...job.ctx, occurredAt: new Date(job.ctx.occurredAt) };
    const auditId = await this.audit.recordIn(m, { ...job.audit, ...decided }, ctx);
    await m.query(
      `update grant_uses set outcome = $3, reason = $4, audit_id = $5, settled_at = now()
        where signer = $1 and nonce = $2`,
      [job.signer, job.nonce, decided.outcome, chainReason ?? null, auditId],
    );
  }
}

const jobCtx = (ctx: EventContext): ConsumeJob['ctx'] => ({
  actor: ctx.actor,
  correlationId: ctx.correlationId,
  ...(ctx.causationId ? { causationId: ctx.causationId } : {}),
  occurredAt: ctx.occurredAt.toISOString(),
});
