import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { RelationshipsAbi, randomNonce, relationshipsTypedData } from '@uhr/contracts';
import {
  ChainWriter,
  enqueueChainJob,
  EventStore,
  ForbiddenError,
  NotFoundError,
  topicOf,
  UnprocessableError,
  type ChainJob,
  type EventContext,
  type Principal,
  chainIdOf,
  IdentityDirectory,
  assertSignedBy,
} from '@uhr/platform';
import { Interface } from 'ethers';
import { DataSource, type EntityManager } from 'typeorm';
import { Contracts } from '../chain/contracts.js';

export const RELATIONSHIP_TOPIC = topicOf('consent', 'relationship', 1);
const JOB = 'consent.end-relationship';
const SIGNATURE_TTL_S = 3600;
const STATUS = ['none', 'active', 'ended'] as const;

interface Job {
  id: string;
  patientId: string;
  providerId: string;
  nonce: string;
  deadline: string;
  signature: string;
  correlationId: string;
}

/**
 * The patient's relationships with providers (the paper's Summary contract, read from Relationships) and their
 * end: a signed EndRelationship relayed to the chain, after which the provider may neither add records nor read
 * the ones it authored (the gatekeeper checks the relationship on every author read).
 */
@Injectable()
export class RelationshipsService {
  private readonly iface = new Interface(RelationshipsAbi);

  constructor(
    writer: ChainWriter,
    private readonly contracts: Contracts,
    private readonly directory: IdentityDirectory,
    private readonly ds: DataSource,
    private readonly store: EventStore,
  ) {
    writer.decodeErrorsWith(RelationshipsAbi).register<Job>(JOB, {
      build: (r) => ({
        to: contracts.relationships.target as string,
        data: this.iface.encodeFunctionData('endRelationshipBySig', [
          r.patientId,
          r.providerId,
          r.nonce,
          r.deadline,
          r.signature,
        ]),
      }),
      alreadyApplied: async (r) => (await this.statusOf(r.patientId, r.providerId)) === 'ended',
      onConfirmed: (m, job) => this.settle(m, job, 'ended', null),
      onRejected: (m, job, reason) => this.settle(m, job, 'rejected', reason),
    });
  }

  /** Every relationship of the caller's identities, as the chain holds them. */
  async list(p: Principal) {
    const out = [];
    for (const me of await this.directory.bySubject(p.subject)) {
      const ids = (await this.contracts.relationships.relationshipsOf!(me.chainId)) as string[];
      for (const relationshipId of ids) {
        const [patientId, providerId, status] = (await this.contracts.relationships.relationshipOf!(
          relationshipId,
        )) as [string, string, bigint];
        const [patient, provider] = await Promise.all([
          this.directory.byChainId(patientId),
          this.directory.byChainId(providerId),
        ]);
        out.push({
          relationshipId,
          patientId: patient?.id ?? patientId,
          providerId: provider?.id ?? providerId,
          status: STATUS[Number(status)],
        });
      }
    }
    return out;
  }

  async prepareEnd(patientId: string, providerId: string, p: Principal) {
    await this.patientOf(patientId, p);
    const nonce = randomNonce();
    const deadline = String(Math.floor(Date.now() / 1000) + SIGNATURE_TTL_S);
    return { nonce: nonce.toString(), deadline, toSign: this.typed(patientId, providerId, nonce.toString(), deadline) };
  }

  async end(
    cmd: { patientId: string; providerId: string; nonce: string; deadline: string; signature: string },
    p: Principal,
    ctx: EventContext,
  ) {
    const patient = await this.patientOf(cmd.patientId, p);
    const provider = await this.directory.byId(cmd.providerId);
    if (!provider || provider.kind !== 'provider')
      throw new UnprocessableError('UnknownProvider', `no provider identity ${cmd.providerId}`);
    await assertSignedBy(
      this.directory,
      patient.id,
      p.subject,
      this.typed(cmd.patientId, cmd.providerId, cmd.nonce, cmd.deadline),
      cmd.signature,
    );
    const id = randomUUID();
    await this.ds.transaction(async (m) => {
      await m.query(
        `insert into relationship_endings (id, patient_id, provider_id, patient_subject, provider_subject, status, created_at, updated_at)
         values ($1,$2,$3,$4,$5,'requested',$6,$6)`,
        [id, patient.id, provider.id, patient.subject, provider.subject, ctx.occurredAt],
      );
      const [env] = await this.store.append(
        m,
        id,
        0,
        [
          {
            type: 'consent.RelationshipEndRequested',
            version: 1,
            payload: { endingId: id, patientSubject: patient.subject, providerSubject: provider.subject },
          },
        ],
        ctx,
        RELATIONSHIP_TOPIC,
      );
      await enqueueChainJob(m, env!.id, JOB, {
        id,
        patientId: patient.chainId,
        providerId: provider.chainId,
        nonce: cmd.nonce,
        deadline: cmd.deadline,
        signature: cmd.signature,
        correlationId: ctx.correlationId,
      } satisfies Job);
    });
    return this.byId(id, p);
  }

  async byId(id: string, p: Principal) {
    const [row] = (await this.ds.query('select * from relationship_endings where id = $1', [id])) as Array<
      Record<string, unknown>
    >;
    if (!row) throw new NotFoundError('RelationshipEndingNotFound', `no relationship ending ${id}`);
    if (row.patient_subject !== p.subject && row.provider_subject !== p.subject)
      throw new ForbiddenError('NotAParty', 'only the patient and the provider see this');
    return row;
  }

  private async settle(m: EntityManager, job: ChainJob<Job>, status: 'ended' | 'rejected', reason: string | null) {
    await m.query(
      `update relationship_endings set status = $2, tx_hash = $3, error = $4, updated_at = now() where id = $1`,
      [job.request.id, status, job.txHash, reason],
    );
    const [row] = (await m.query('select * from relationship_endings where id = $1', [job.request.id])) as Array<{
      patient_subject: string;
      provider_subject: string;
    }>;
    if (!row || status !== 'ended') return;
    await this.store.append(
      m,
      job.request.id,
      1,
      [
        {
          type: 'consent.RelationshipEnded',
          version: 1,
          payload: {
            endingId: job.request.id,
            patientSubject: row.patient_subject,
            providerSubject: row.provider_subject,
            txHash: job.txHash,
          },
        },
      ],
      {
        actor: 'consent-chain',
        correlationId: job.request.correlationId,
        causationId: job.jobKey,
        occurredAt: new Date(),
      },
      RELATIONSHIP_TOPIC,
    );
  }

  private async statusOf(patientChainId: string, providerChainId: string) {
    const relId = (await this.contracts.relationships.relationshipIdOf!(patientChainId, providerChainId)) as string;
    const [, , status] = (await this.contracts.relationships.relationshipOf!(relId)) as [string, string, bigint];
    return STATUS[Number(status)];
  }

  private typed(patientId: string, providerId: string, nonce: string, deadline: string) {
    return relationshipsTypedData(this.contracts.relationshipsDomain, 'EndRelationship', {
      patientId: chainIdOf(patientId),
      providerId: chainIdOf(providerId),
      nonce,
      deadline,
    });
  }

  private async patientOf(patientId: string, p: Principal) {
    const patient = await this.directory.byId(patientId);
    if (!patient || patient.kind !== 'patient' || patient.status !== 'active' || patient.subject !== p.subject) {
      throw new ForbiddenError('NotYourIdentity', 'only the patient ends a relationship');
    }
    return patient;
  }
}
