import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import {
  chainIdOf,
  ConflictError,
  DependencyUnavailableError,
  InvalidRequestError,
  NotFoundError,
  UnprocessableError,
  type EventContext,
} from '@uhr/platform';
import { IdentityKind, ORGAN_CUSTODY_TYPES, handOffTuple } from '@uhr/contracts';
import { id as keccakId, toBigInt } from 'ethers';
import { DonationRepository } from '../../donation/donation.repository.js';
import type { Organ } from '../../donation/domain/organ.js';
import { canonicalHash } from '../../matching/domain/canonical.js';
import { CustodyChain } from '../custody-chain.js';
import { CustodyRepository } from '../custody.repository.js';
import {
  afterHandOff,
  CustodyRefusal,
  handOffMessage,
  orderProblem,
  type CustodyState,
  type HandOffRequest,
} from '../domain/custody.js';

export interface SignedHandOff extends HandOffRequest {
  nonce: string;
  deadline: number;
  fromSignature?: string;
  toSignature?: string;
}

export interface SignedReconciliation {
  clinicianA: string;
  clinicianB: string;
  resolution: string;
  nonce: string;
  deadline: number;
  signatureA?: string;
  signatureB?: string;
}

const CUSTODIAN_KINDS = [IdentityKind.Provider, IdentityKind.ThirdParty];

/**
 * Custody hand-offs as the registry relays them: order checked here, both signatures checked against the keys
 * the Registrar binds (a missing one is a CUSTODY_GAP, alerted; a wrong one a 400 naming the party), the label at
 * check-in read against the organ (a mismatch blocks it), then one OrganCustody transaction per fact.
 * Identity ids in requests are the registrar's uuids.
 */
@Injectable()
export class CustodyUseCase {
  constructor(
    private readonly custody: CustodyRepository,
    private readonly donations: DonationRepository,
    private readonly chain: CustodyChain,
  ) {}

  async register(organId: string, custodian: string, ctx: EventContext) {
    const organ = await this.organ(organId);
    if (await this.custody.state(organId))
      throw new ConflictError('CustodyExists', `organ ${organId} is in custody already`);
    const custodianId = this.identity(custodian, 'custodianId');
    await this.assertKind(custodianId, CUSTODIAN_KINDS, 'custodianId');
    const state: CustodyState = { organId, custodianId, seq: 0, stage: 'procured', blocked: false };
    const chainOrganId = keccakId(`uhr.organ:${organId}`);
    const args = [chainOrganId, keccakId(`uhr.donor:${organ.donorId}`), custodianId, canonicalHash(organ)];
    const payload = { organId, custodianId, stage: 'procured' };
    await this.custody.relay(
      chainOrganId,
      {
        kind: 'register',
        state,
        stage: 'procured',
        fromId: null,
        toId: custodianId,
        details: payload,
        discrepancy: false,
        job: { op: 'registerOrgan', args },
        event: { type: 'organ-registry.CustodyRegistered', payload },
      },
      ctx,
    );
    return state;
  }

  /** The exact typed data both parties sign for the next hand-off (a fresh nonce, one hour to sign). */
  async prepare(organId: string, h: HandOffRequest, now: number) {
    const { organ, state } = await this.current(organId);
    const request = { ...h, fromId: this.identity(h.fromId, 'fromId'), toId: this.identity(h.toId, 'toId') };
    this.refuse(orderProblem(state, request));
    const message = handOffMessage(
      state.chainOrganId,
      state,
      request,
      organ,
      toBigInt(randomBytes(16)),
      BigInt(Math.floor(now / 1000) + 3600),
    );
    return {
      domain: this.chain.domain,
      types: { HandOff: [...ORGAN_CUSTODY_TYPES.HandOff] },
      message: stringify(message),
    };
  }

  async handOff(organId: string, h: SignedHandOff, ctx: EventContext) {
    const { organ, state } = await this.current(organId);
    const request = { ...h, fromId: this.identity(h.fromId, 'fromId'), toId: this.identity(h.toId, 'toId') };
    this.refuse(orderProblem(state, request));
    const message = handOffMessage(state.chainOrganId, state, request, organ, BigInt(h.nonce), BigInt(h.deadline));
    await this.signaturesOf(
      organId,
      ctx,
      [
        ['fromId', request.fromId, h.fromSignature],
        ['toId', request.toId, h.toSignature],
      ],
      (signature) => this.chain.signerOf('HandOff', stringify(message), signature),
      CUSTODIAN_KINDS,
      h.deadline,
    );
    const next = afterHandOff(state, request, message.discrepancy);
    const payload = {
      organId,
      seq: state.seq,
      stage: h.stage,
      fromId: request.fromId,
      toId: request.toId,
      discrepancy: message.discrepancy,
      observed: h.observed ?? null,
    };
    await this.custody.relay(
      state.chainOrganId,
      {
        kind: 'hand-off',
        state: next,
        stage: h.stage,
        fromId: request.fromId,
        toId: request.toId,
        details: payload,
        discrepancy: message.discrepancy,
        job: { op: 'handOff', args: [Object.values(stringify(handOffTuple(message))), h.fromSignature, h.toSignature] },
        event: { type: 'organ-registry.CustodyHandedOff', payload },
      },
      ctx,
    );
    return next;
  }

  async reconcile(organId: string, r: SignedReconciliation, ctx: EventContext) {
    const { state } = await this.current(organId);
    if (!state.blocked) this.refuse(new CustodyRefusal('NotBlocked', `organ ${organId} has nothing to reconcile`));
    const a = this.identity(r.clinicianA, 'clinicianA');
    const b = this.identity(r.clinicianB, 'clinicianB');
    if (a === b) this.refuse(new CustodyRefusal('SameParty', 'two different clinicians reconcile'));
    const message = {
      organId: state.chainOrganId,
      clinicianA: a,
      clinicianB: b,
      resolutionHash: keccakId(r.resolution),
      nonce: r.nonce,
      deadline: String(r.deadline),
    };
    await this.signaturesOf(
      organId,
      ctx,
      [
        ['clinicianA', a, r.signatureA],
        ['clinicianB', b, r.signatureB],
      ],
      (signature) => this.chain.signerOf('Reconciliation', message, signature),
      [IdentityKind.Provider],
      r.deadline,
    );
    const next = { ...state, blocked: false };
    const payload = { organId, clinicianA: a, clinicianB: b, resolution: r.resolution };
    const args = [Object.values(message), r.signatureA, r.signatureB];
    await this.custody.relay(
      state.chainOrganId,
      {
        kind: 'reconcile',
        state: next,
        stage: null,
        fromId: a,
        toId: b,
        details: payload,
        discrepancy: false,
        job: { op: 'reconcile', args },
        event: { type: 'organ-registry.CustodyReconciled', payload },
      },
      ctx,
    );
    return next;
  }

  async isBlocked(organId: string): Promise<boolean> {
    return (await this.custody.state(organId))?.blocked ?? false;
  }

  /** Both parties' signatures: present (else CUSTODY_GAP, alerted), unexpired, from each identity's bound key. */
  private async signaturesOf(
    organId: string,
    ctx: EventContext,
    parties: [string, string, string | undefined][],
    signerOf: (signature: string) => string | undefined,
    kinds: IdentityKind[],
    deadline: number,
  ) {
    const missing = parties.filter(([, , sig]) => !sig).map(([field, identity]) => ({ field, identity }));
    if (missing.length > 0) {
      await this.custody.alert(undefined, organId, 'organ-registry.CustodyGapDetected', { organId, missing }, ctx);
      throw new UnprocessableError('CUSTODY_GAP', `missing signature of ${missing.map((m) => m.field).join(' and ')}`, {
        missing,
      });
    }
    if (deadline * 1000 < ctx.occurredAt.getTime())
      throw new InvalidRequestError('SignatureExpired', 'the deadline has passed');
    for (const [field, identity, signature] of parties) {
      const { account } = await this.assertKind(identity, kinds, field);
      const signer = signerOf(signature!);
      if (signer?.toLowerCase() !== account.toLowerCase())
        throw new InvalidRequestError(
          'WrongSigner',
          `${field}: not signed by the key the Registrar binds to ${identity}`,
          { field, signer: signer ?? null },
        );
    }
  }

  private async current(organId: string): Promise<{ organ: Organ; state: CustodyState & { chainOrganId: string } }> {
    const organ = await this.organ(organId);
    const state = await this.custody.state(organId);
    if (!state) throw new NotFoundError('CustodyNotStarted', `organ ${organId} has no custody chain yet`);
    return { organ, state };
  }

  private async organ(organId: string): Promise<Organ> {
    if (!this.chain.address)
      throw new DependencyUnavailableError('CustodyNotDeployed', 'OrganCustody is not in this deployment');
    const organ = await this.donations.organ(organId);
    if (!organ) throw new NotFoundError('OrganNotFound', `no organ ${organId}`);
    return organ;
  }

  private identity(uuid: string, field: string): string {
    try {
      return chainIdOf(uuid);
    } catch {
      throw new InvalidRequestError('InvalidIdentity', `${field}: a registrar identity id (uuid)`);
    }
  }

  private async assertKind(identityId: string, kinds: IdentityKind[], field: string) {
    const found = await this.chain.accountOf(identityId);
    if (/^0x0+$/.test(found.account) || !kinds.includes(found.kind))
      throw new InvalidRequestError(
        'WrongIdentity',
        `${field}: no active identity of kind ${kinds.map((k) => IdentityKind[k]).join(' or ')}`,
      );
    return found;
  }

  private refuse(problem: CustodyRefusal | undefined): void {
    if (problem) throw new ConflictError(problem.code, problem.message);
  }
}

/** Bigints as decimal strings: the chain job is stored as JSON, and ethers takes numeric strings for uints. */
function stringify(value: unknown): Record<string, unknown> {
  return JSON.parse(JSON.stringify(value, (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))) as Record<
    string,
    unknown
  >;
}
