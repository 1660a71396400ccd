import type { DonorAbo } from '../../matching/domain/abo.js';
import { canonicalHash } from '../../matching/domain/canonical.js';
import type { Laterality } from '../../donation/domain/organ.js';

/**
 * The custody chain of an organ as the registry checks it before relaying a hand-off to OrganCustody (which
 * checks the same again): stages in order, released by the holder, both parties' signatures present, and at
 * check-in the label read against the registered organ. Pure.
 */
export const STAGES = ['procured', 'labelled', 'in-transit', 'checked-in', 'verified', 'transplanted'] as const;
export type StageName = (typeof STAGES)[number];
/** The contract's enum: None = 0, Procured = 1 … Transplanted = 6. */
export const stageNumber = (s: StageName) => STAGES.indexOf(s) + 1;

export interface CustodyState {
  readonly organId: string;
  /** Registrar identity id (bytes32) of the current holder. */
  readonly custodianId: string;
  readonly seq: number;
  readonly stage: StageName;
  readonly blocked: boolean;
}

export interface Observed {
  readonly laterality: Laterality;
  readonly abo: DonorAbo;
}

export interface HandOffRequest {
  readonly stage: StageName;
  readonly fromId: string;
  readonly toId: string;
  readonly observed?: Observed;
}

export class CustodyRefusal extends Error {
  constructor(
    readonly code:
      'CustodyBlocked' | 'CustodyWrongStage' | 'NotCustodian' | 'SameParty' | 'CheckInNeedsLabel' | 'NotBlocked',
    message: string,
  ) {
    super(message);
  }
}

/** The refusals of a hand-off that the order of the chain alone decides. */
export function orderProblem(s: CustodyState, h: HandOffRequest): CustodyRefusal | undefined {
  if (s.blocked)
    return new CustodyRefusal('CustodyBlocked', `organ ${s.organId} is blocked until two clinicians reconcile it`);
  const next = STAGES[STAGES.indexOf(s.stage) + 1];
  if (h.stage !== next)
    return new CustodyRefusal('CustodyWrongStage', `the next stage is ${next ?? 'none'}, not ${h.stage}`);
  if (h.fromId !== s.custodianId)
    return new CustodyRefusal('NotCustodian', `${h.fromId} does not hold organ ${s.organId}`);
  if (h.fromId === h.toId) return new CustodyRefusal('SameParty', 'a hand-off needs two parties');
  if (h.stage === 'checked-in' && !h.observed)
    return new CustodyRefusal('CheckInNeedsLabel', 'check-in records the laterality and ABO read on the label');
  return undefined;
}

/** What differs between the label read at check-in and the registered organ (empty: no discrepancy). */
export function discrepancies(organ: Observed, observed: Observed | undefined): string[] {
  if (!observed) return [];
  const out: string[] = [];
  if (observed.laterality !== organ.laterality)
    out.push(`laterality: label ${observed.laterality}, registered ${organ.laterality}`);
  if (observed.abo !== organ.abo) out.push(`abo: label ${observed.abo}, registered ${organ.abo}`);
  return out;
}

/** The EIP-712 HandOff message both parties sign (contracts/ts ORGAN_CUSTODY_TYPES). */
export function handOffMessage(
  chainOrganId: string,
  s: CustodyState,
  h: HandOffRequest,
  organ: Observed,
  nonce: bigint,
  deadline: bigint,
) {
  const found = discrepancies(organ, h.observed);
  return {
    organId: chainOrganId,
    seq: s.seq,
    stage: stageNumber(h.stage),
    fromId: h.fromId,
    toId: h.toId,
    detailsHash: canonicalHash({
      organId: s.organId,
      stage: h.stage,
      observed: h.observed ?? null,
      discrepancies: found,
    }),
    discrepancy: found.length > 0,
    nonce,
    deadline,
  };
}

export function afterHandOff(s: CustodyState, h: HandOffRequest, discrepancy: boolean): CustodyState {
  return { ...s, custodianId: h.toId, seq: s.seq + 1, stage: h.stage, blocked: discrepancy };
}
