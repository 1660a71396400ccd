import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { ConflictError, ForbiddenError, NotFoundError, UnprocessableError, type EventContext } from '@uhr/platform';
import type { OrganRegistryConfig } from '../../config.js';
import { MatchRunRepository } from '../../matching/match-run.repository.js';
import { refusalsAsHttp } from '../../shared/refusals.js';
import { ORGAN_REGISTRY_CONFIG } from '../../shared/tokens.js';
import { CustodyUseCase } from '../../custody/use-cases/custody.use-case.js';
import { CandidateRepository } from '../../waitlist/candidate.repository.js';
import { AllocationRepository } from '../allocation.repository.js';
import {
  AllocationRefusal,
  decide,
  type AllocationCommand,
  type AllocationRules,
  type AllocationState,
} from '../domain/allocation.js';

/** Refusal codes a centre gives when it declines (kept a year, 42 CFR 121.7), and HRSA's AOOS bypass codes. */
export const REFUSAL_CODES = [
  'DONOR_AGE_OR_QUALITY',
  'DONOR_SIZE',
  'ORGAN_ANATOMY_OR_DAMAGE',
  'POSITIVE_CROSSMATCH',
  'CANDIDATE_ILL_OR_UNAVAILABLE',
  'CANDIDATE_REFUSED',
  'LOGISTICS_OR_ISCHEMIA_TIME',
  'OTHER_SPECIFY',
] as const;
export const BYPASS_CODES = ['861', '862', '863', '887', '799'] as const;

/**
 * Sequential offers down a stored match run: start, accept, decline, bypass, expire and the transplant that
 * closes it. A transplant for anyone but the candidate who accepted is refused as OFF_LIST_TRANSPLANT, and the
 * refusal is written for auditors in its own transaction before it is answered.
 */
@Injectable()
export class AllocateOrganUseCase {
  private readonly rules: AllocationRules;

  constructor(
    private readonly allocations: AllocationRepository,
    private readonly runs: MatchRunRepository,
    private readonly candidates: CandidateRepository,
    private readonly custody: CustodyUseCase,
    @Inject(ORGAN_REGISTRY_CONFIG) config: OrganRegistryConfig,
  ) {
    this.rules = {
      responseMs: config.offerResponseSeconds * 1000,
      refusalCodes: REFUSAL_CODES,
      bypassCodes: BYPASS_CODES,
    };
  }

  async start(runId: string, ctx: EventContext) {
    const run = await this.runs.byId(runId);
    if (!run) throw new NotFoundError('MatchRunNotFound', `no match run ${runId}`);
    const ids = run.result.ranked.map((r) => r.candidateId);
    const centres = await this.candidates.centresOf(ids);
    const order = ids.map((candidateId) => ({ candidateId, centre: centres.get(candidateId)! }));
    const cmd: AllocationCommand = {
      type: 'StartOffers',
      runId,
      organId: run.organId,
      organType: run.result.organType,
      order,
    };
    return this.command(runId, () => cmd, ctx);
  }

  async accept(runId: string, candidateId: string, ctx: EventContext) {
    return this.command(
      runId,
      async (s, facts) => {
        this.assertOfferedTo(s, candidateId, ctx.actor);
        return {
          type: 'Accept',
          candidateId,
          holdsAcceptanceForType: await facts.holdsAcceptance(candidateId, s.organType),
        };
      },
      ctx,
    );
  }

  async decline(runId: string, candidateId: string, code: string, ctx: EventContext) {
    return this.command(
      runId,
      (s) => (this.assertOfferedTo(s, candidateId, ctx.actor), { type: 'Decline', candidateId, code }),
      ctx,
    );
  }

  async bypass(runId: string, candidateId: string, code: string | undefined, ctx: EventContext) {
    return this.command(runId, () => ({ type: 'Bypass', candidateId, code }), ctx);
  }

  async expire(runId: string, ctx: EventContext) {
    return this.command(runId, () => ({ type: 'ExpireOffers' }), ctx);
  }

  async transplant(runId: string, candidateId: string, ctx: EventContext) {
    const state = await this.allocations.state(runId);
    // A laterality or ABO discrepancy at check-in holds the organ until two clinicians reconcile it.
    if (state.started && (await this.custody.isBlocked(state.organId)))
      throw new ConflictError('CustodyBlocked', `organ ${state.organId} is blocked by a check-in discrepancy`);
    return refusalsAsHttp(async () => {
      try {
        return await this.allocations.execute(
          runId,
          (s) => {
            const listed = s.order.find((e) => e.candidateId === candidateId);
            if (listed && listed.centre !== ctx.actor && s.acceptedBy === candidateId)
              throw new AllocationRefusal('OffListTransplant', `${candidateId} is not a candidate of this centre`);
            return decide({ type: 'RecordTransplant', candidateId }, s, ctx.occurredAt.getTime(), this.rules);
          },
          ctx,
        );
      } catch (err) {
        if (!(err instanceof AllocationRefusal) || err.code !== 'OffListTransplant') throw err;
        const payload = { runId, candidateId, centre: ctx.actor, reason: err.message };
        await this.allocations.alert(
          `off-list-${runId}-${randomUUID()}`,
          'organ-registry.OffListTransplantRefused',
          payload,
          ctx,
        );
        throw new UnprocessableError('OFF_LIST_TRANSPLANT', err.message, { runId, candidateId });
      }
    });
  }

  private assertOfferedTo(s: AllocationState, candidateId: string, centre: string) {
    const offer = s.offers.find((o) => o.candidateId === candidateId && o.status === 'open');
    if (offer && offer.centre !== centre) throw new ForbiddenError('NotYourOffer', 'the offer is to another centre');
  }

  private command(
    runId: string,
    build: (
      s: AllocationState,
      facts: { holdsAcceptance(c: string, t: string): Promise<boolean> },
    ) => AllocationCommand | Promise<AllocationCommand>,
    ctx: EventContext,
  ) {
    return refusalsAsHttp(() =>
      this.allocations.execute(
        runId,
        async (s, facts) => decide(await build(s, facts), s, ctx.occurredAt.getTime(), this.rules),
        ctx,
      ),
    );
  }
}
