import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ConsentAbi, consentTypedData, randomNonce } from '@uhr/contracts';
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
  type KnownIdentity,
  assertSignedBy,
} from '@uhr/platform';
import { Interface } from 'ethers';
import { DataSource, type EntityManager } from 'typeorm';
import { Contracts } from '../chain/contracts.js';
import { reasonCodeOf, type BreakGlassReason } from './domain/break-glass.js';

export const BREAK_GLASS_TOPIC = topicOf('consent', 'break-glass', 1);
const JOB = 'consent.break-glass';
const SIGNATURE_TTL_S = 600;

export interface BreakGlassTerms {
  providerId: string;
  patientId: string;
  reasonCode: BreakGlassReason;
  durationSeconds: number;
}

interface Job {
  id: string;
  providerId: string;
  patientId: string;
  reasonCode: string;
  duration: string;
  nonce: string;
  deadline: string;
  signature: string;
  correlationId: string;
}

/**
 * Emergency access: a provider signs BreakGlass (reason required, time-boxed), the service relays it; the Consent
 * contract opens an emergency grant and always emits BreakGlassUsed. consent.BreakGlassUsed alerts the patient and
 * the auditors (payload `alert`), never silently.
 */
@Injectable()
export class BreakGlassService {
  private readonly iface = new Interface(ConsentAbi);

  constructor(
    writer: ChainWriter,
    private readonly contracts: Contracts,
    private readonly directory: IdentityDirectory,
    private readonly ds: DataSource,
    private readonly store: EventStore,
  ) {
    const to = contracts.consent.target as string;
    writer.register<Job>(JOB, {
      build: (r) => ({
        to,
        data: this.iface.encodeFunctionData('breakGlassBySig', [
          r.providerId,
          r.patientId,
          r.reasonCode,
          r.duration,
          r.nonce,
          r.deadline,
          r.signature,
        ]),
      }),
      onConfirmed: (m, job) => this.onConfirmed(m, job),
      onRejected: async (m, job, reason) => {
        await m.query(
          `update break_glass set status = 'rejected', chain_error = $2, updated_at = now() where id = $1`,
          [job.request.id, reason],
        );
      },
    });
  }

  async prepare(t: BreakGlassTerms, p: Principal) {
    await this.providerOf(t.providerId, p);
    await this.patientOf(t.patientId);
    const nonce = randomNonce();
    const deadline = String(Math.floor(Date.now() / 1000) + SIGNATURE_TTL_S);
    return { nonce: nonce.toString(), deadline, toSign: this.typed(t, nonce.toString(), deadline) };
  }

  async execute(
    t: BreakGlassTerms & { reason: string; nonce: string; deadline: string; signature: string },
    p: Principal,
    ctx: EventContext,
  ) {
    const provider = await this.providerOf(t.providerId, p);
    const patient = await this.patientOf(t.patientId);
    await assertSignedBy(this.directory, provider.id, p.subject, this.typed(t, t.nonce, t.deadline), t.signature);
    const id = randomUUID();
    await this.ds.transaction(async (m) => {
      await m.query(
        `insert into break_glass (id, patient_id, patient_subject, provider_id, provider_subject, reason_code, reason,
           duration_seconds, status, created_at, updated_at) values ($1,$2,$3,$4,$5,$6,$7,$8,'requested',$9,$9)`,
        [
          id,
          patient.id,
          patient.subject,
          provider.id,
          p.subject,
          t.reasonCode,
          t.reason,
          t.durationSeconds,
          ctx.occurredAt,
        ],
      );
      const [env] = await this.store.append(
        m,
        id,
        0,
        [
          {
            type: 'consent.BreakGlassRequested',
            version: 1,
            payload: {
              breakGlassId: id,
              patientSubject: patient.subject,
              providerSubject: p.subject,
              reasonCode: t.reasonCode,
              reason: t.reason,
              durationSeconds: t.durationSeconds,
            },
          },
        ],
        ctx,
        BREAK_GLASS_TOPIC,
      );
      await enqueueChainJob(m, env!.id, JOB, {
        id,
        providerId: provider.chainId,
        patientId: patient.chainId,
        reasonCode: reasonCodeOf(t.reasonCode),
        duration: String(t.durationSeconds),
        nonce: t.nonce,
        deadline: t.deadline,
        signature: t.signature,
        correlationId: ctx.correlationId,
      } satisfies Job);
    });
    return this.byId(id, p);
  }

  private async onConfirmed(m: EntityManager, job: ChainJob<Job>) {
    const receipt = job.txHash ? await this.contracts.writer.provider.getTransactionReceipt(job.txHash) : null;
    let grantId: string | null = null;
    let until: number | null = null;
    for (const log of receipt?.logs ?? []) {
      const parsed = this.iface.parseLog(log);
      if (parsed?.name === 'BreakGlassUsed') {
        grantId = parsed.args.grantId as string;
        until = Number(parsed.args.validUntil as bigint);
      }
    }
    await m.query(
      `update break_glass set status = 'active', chain_grant_id = $2, valid_until = $3, tx_hash = $4, updated_at = now() where id = $1`,
      [job.request.id, grantId, until, job.txHash],
    );
    const [r] = (await m.query('select * from break_glass where id = $1', [job.request.id])) as Array<{
      patient_subject: string;
      provider_subject: string;
      reason_code: string;
      reason: string;
    }>;
    if (!r) return;
    await this.store.append(
      m,
      job.request.id,
      1,
      [
        {
          type: 'consent.BreakGlassUsed',
          version: 1,
          payload: {
            breakGlassId: job.request.id,
            patientSubject: r.patient_subject,
            providerSubject: r.provider_subject,
            reasonCode: r.reason_code,
            reason: r.reason,
            until: until === null ? null : new Date(until * 1000).toISOString(),
            grantId,
            txHash: job.txHash,
            alert: ['patient', 'auditor'],
          },
        },
      ],
      {
        actor: 'consent-chain',
        correlationId: job.request.correlationId,
        causationId: job.jobKey,
        occurredAt: new Date(),
      },
      BREAK_GLASS_TOPIC,
    );
  }

  async byId(id: string, p: Principal) {
    const [row] = (await this.ds.query('select * from break_glass where id = $1', [id])) as Array<
      Record<string, unknown>
    >;
    if (!row) throw new NotFoundError('BreakGlassNotFound', `no break-glass ${id}`);
    const mayRead =
      row.patient_subject === p.subject ||
      row.provider_subject === p.subject ||
      p.roles.some((x) => x === 'auditor' || x === 'admin');
    if (!mayRead)
      throw new ForbiddenError('NotAParty', 'only the patient, the provider and auditors see a break-glass');
    return row;
  }

  async list(p: Principal) {
    if (p.roles.some((x) => x === 'auditor' || x === 'admin'))
      return this.ds.query('select * from break_glass order by created_at desc limit 200');
    return this.ds.query(
      'select * from break_glass where patient_subject = $1 or provider_subject = $1 order by created_at desc limit 200',
      [p.subject],
    );
  }

  private typed(t: BreakGlassTerms, nonce: string, deadline: string) {
    return consentTypedData(this.contracts.consentDomain, 'BreakGlass', {
      providerId: chainIdOf(t.providerId),
      patientId: chainIdOf(t.patientId),
      reasonCode: reasonCodeOf(t.reasonCode),
      duration: String(t.durationSeconds),
      nonce,
      deadline,
    });
  }

  private async providerOf(providerId: string, p: Principal): Promise<KnownIdentity> {
    const provider = await this.directory.byId(providerId);
    if (!provider || provider.kind !== 'provider' || provider.status !== 'active' || provider.subject !== p.subject) {
      throw new ForbiddenError('NotYourIdentity', 'break-glass is signed by your own provider identity');
    }
    return provider;
  }

  private async patientOf(patientId: string): Promise<KnownIdentity> {
    const patient = await this.directory.byId(patientId);
    if (!patient || patient.kind !== 'patient' || patient.status !== 'active') {
      throw new UnprocessableError('UnknownPatient', `no active patient identity ${patientId}`);
    }
    return patient;
  }
}
