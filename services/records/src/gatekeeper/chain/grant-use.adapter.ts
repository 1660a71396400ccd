import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ConsentAbi } from '@uhr/contracts';
import { ChainWriter, enqueueChainJob } from '@uhr/platform';
import { Interface } from 'ethers';
import { DataSource } from 'typeorm';
import { Contracts } from '../../chain/contracts.js';

export const CONSUME_JOB = 'records.consume';

interface ConsumeJob {
  grantId: string;
  reader: string;
  /** The record's patient, as its anchored leaf proves it (Consent checks it against the grant's patient). */
  recordPatientId: string;
  recordId: string;
  category: string;
}

export type ConsumeOutcome = { ok: true; txHash: string | null } | { ok: false; reason: string };

/**
 * Spends one use of a limited grant on-chain (Consent.consume, GATEKEEPER_ROLE) before the record is served.
 * It goes through the service's single signer queue, so concurrent reads of a one-time grant — on any instance —
 * are serialised by the chain: the second one reverts with ConsentGrantExhausted and is refused.
 */
@Injectable()
export class GrantUseAdapter {
  private readonly iface = new Interface(ConsentAbi);

  constructor(
    writer: ChainWriter,
    contracts: Contracts,
    private readonly ds: DataSource,
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
      onConfirmed: async () => undefined,
      onRejected: async () => undefined,
    });
  }

  async consume(job: ConsumeJob, timeoutMs = 15_000): Promise<ConsumeOutcome> {
    const key = `consume-${randomUUID()}`;
    await this.ds.transaction((m) => enqueueChainJob(m, key, CONSUME_JOB, job));
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const rows: Array<{ status: string; tx_hash: string | null; last_error: string | null }> = await this.ds.query(
        'select status, tx_hash, last_error from uhr_chain_tx where job_key = $1',
        [key],
      );
      const row = rows[0];
      if (row?.status === 'confirmed') return { ok: true, txHash: row.tx_hash };
      if (row?.status === 'failed') return { ok: false, reason: row.last_error ?? 'consume reverted' };
      // Fail closed: a use the chain has not confirmed is not a use we may serve.
      if (Date.now() > deadline) return { ok: false, reason: 'ChainUnavailable' };
      await new Promise((r) => setTimeout(r, 10));
    }
  }
}
