import { Injectable } from '@nestjs/common';
import { RecordStatus, RelationshipsAbi } from '@uhr/contracts';
import { ChainWriter, enqueueChainJob, type ChainJob } from '@uhr/platform';
import { Interface } from 'ethers';
import type { EntityManager } from 'typeorm';
import { Contracts } from '../../chain/contracts.js';
import { RecordRepository } from '../record.repository.js';

export const ADD_JOB = 'records.add';
export const RESPOND_JOB = 'records.respond';

export interface AddRecordJob {
  recordId: string;
  recordChainId: string;
  providerId: string;
  patientId: string;
  contentHash: string;
  pointerHash: string;
  deadline: string;
  signature: string;
  correlationId: string;
}

export interface RespondJob {
  recordId: string;
  recordChainId: string;
  accept: boolean;
  deadline: string;
  signature: string;
  correlationId: string;
}

/**
 * Relays the provider's signed AddRecord and the patient's signed answer to Relationships (the service pays gas)
 * and writes what the chain said back onto the record's stream, in the chain writer's settling transaction.
 */
@Injectable()
export class RecordChainAdapter {
  private readonly iface = new Interface(RelationshipsAbi);

  constructor(
    writer: ChainWriter,
    private readonly contracts: Contracts,
    private readonly records: RecordRepository,
  ) {
    const to = contracts.relationships.target as string;
    writer.decodeErrorsWith(RelationshipsAbi).register<AddRecordJob>(ADD_JOB, {
      build: (r) => ({
        to,
        data: this.iface.encodeFunctionData('addRecordBySig', [
          r.providerId,
          r.patientId,
          r.recordChainId,
          r.contentHash,
          r.pointerHash,
          r.deadline,
          r.signature,
        ]),
      }),
      alreadyApplied: async (r) => {
        const rec = await this.contracts.recordOf(r.recordChainId);
        return rec.status !== RecordStatus.None && rec.contentHash.toLowerCase() === r.contentHash.toLowerCase();
      },
      onConfirmed: (m, job) => this.settle(m, job, { type: 'ConfirmAnchor', txHash: job.txHash }),
      onRejected: (m, job, reason) => this.settle(m, job, { type: 'RejectAnchor', reason }),
    });
    writer.register<RespondJob>(RESPOND_JOB, {
      build: (r) => ({
        to,
        data: this.iface.encodeFunctionData('respondBySig', [r.recordChainId, r.accept, r.deadline, r.signature]),
      }),
      alreadyApplied: async (r) => {
        const rec = await this.contracts.recordOf(r.recordChainId);
        return rec.status === (r.accept ? RecordStatus.Accepted : RecordStatus.Rejected);
      },
      onConfirmed: (m, job) =>
        this.settle(m, job, { type: 'ConfirmResponse', accept: job.request.accept, txHash: job.txHash }),
      onRejected: (m, job, reason) => this.settle(m, job, { type: 'FailResponse', reason }),
    });
  }

  enqueueAdd(m: EntityManager, jobKey: string, job: AddRecordJob) {
    return enqueueChainJob(m, jobKey, ADD_JOB, job);
  }

  enqueueRespond(m: EntityManager, jobKey: string, job: RespondJob) {
    return enqueueChainJob(m, jobKey, RESPOND_JOB, job);
  }

  private async settle(
    m: EntityManager,
    job: ChainJob<{ recordId: string; correlationId: string }>,
    command: Parameters<RecordRepository['executeIn']>[2],
  ): Promise<void> {
    await this.records.executeIn(m, job.request.recordId, command, {
      actor: 'records-chain',
      correlationId: job.request.correlationId,
      causationId: job.jobKey,
      occurredAt: new Date(),
    });
  }
}
