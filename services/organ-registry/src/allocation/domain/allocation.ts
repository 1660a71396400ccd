/**
 * Offers down a match run, one at a time (pure: the clock's time and the facts outside this allocation come in
 * with each command). Each offer has a response deadline; a decline needs a refusal code, an expiry counts as a
 * decline; the organ bank may bypass a candidate with an AOOS bypass code — without a valid one the bypass is
 * flagged for auditors; a transplant is recorded only for the candidate who accepted.
 */
export interface RankedEntry {
  readonly candidateId: string;
  readonly centre: string;
}

export type OfferStatus = 'open' | 'accepted' | 'declined' | 'expired' | 'bypassed';

export interface Offer {
  readonly candidateId: string;
  readonly centre: string;
  readonly rank: number;
  readonly status: OfferStatus;
  readonly offeredAt: number;
  readonly expiresAt: number;
  readonly code?: string;
}

export interface AllocationState {
  readonly started: boolean;
  readonly runId: string;
  readonly organId: string;
  readonly organType: string;
  readonly order: readonly RankedEntry[];
  /** Index in `order` of the next candidate not yet offered. */
  readonly next: number;
  readonly offers: readonly Offer[];
  readonly acceptedBy?: string;
  readonly transplantedInto?: string;
  readonly exhausted: boolean;
}

export const initialAllocation: AllocationState = {
  started: false,
  runId: '',
  organId: '',
  organType: '',
  order: [],
  next: 0,
  offers: [],
  exhausted: false,
};

export interface AllocationRules {
  readonly responseMs: number;
  readonly refusalCodes: readonly string[];
  /** HRSA's allocation-out-of-sequence bypass codes. */
  readonly bypassCodes: readonly string[];
}

export type AllocationCommand =
  | { type: 'StartOffers'; runId: string; organId: string; organType: string; order: readonly RankedEntry[] }
  | { type: 'Accept'; candidateId: string; holdsAcceptanceForType: boolean }
  | { type: 'Decline'; candidateId: string; code: string }
  | { type: 'ExpireOffers' }
  | { type: 'Bypass'; candidateId: string; code?: string }
  | { type: 'RecordTransplant'; candidateId: string };

type E<T extends string, P> = { type: `organ-registry.${T}`; version: 1; payload: P };
export type AllocationEvent =
  | E<'OffersStarted', { runId: string; organId: string; organType: string; order: RankedEntry[] }>
  | E<
      'OfferMade',
      {
        runId: string;
        organId: string;
        candidateId: string;
        centre: string;
        rank: number;
        offeredAt: string;
        expiresAt: string;
      }
    >
  | E<'OfferAccepted', { runId: string; organId: string; candidateId: string; centre: string }>
  | E<'OfferDeclined', { runId: string; organId: string; candidateId: string; centre: string; code: string }>
  | E<'OfferExpired', { runId: string; organId: string; candidateId: string; centre: string }>
  | E<
      'CandidateBypassed',
      { runId: string; organId: string; candidateId: string; code: string | null; flagged: boolean }
    >
  | E<'OffersExhausted', { runId: string; organId: string }>
  | E<'TransplantRecorded', { runId: string; organId: string; candidateId: string; centre: string }>;

export class AllocationRefusal extends Error {
  constructor(
    readonly code:
      | 'OffersStarted'
      | 'OffersNotStarted'
      | 'NoOpenOffer'
      | 'AlreadyAccepted'
      | 'UnknownRefusalCode'
      | 'OrganAllocated'
      | 'OffListTransplant'
      | 'NotOnRun',
    message: string,
  ) {
    super(message);
  }
}

const iso = (ms: number) => new Date(ms).toISOString();

export function decide(
  cmd: AllocationCommand,
  s: AllocationState,
  now: number,
  rules: AllocationRules,
): AllocationEvent[] {
  if (cmd.type === 'StartOffers') {
    if (s.started) throw new AllocationRefusal('OffersStarted', `offers for run ${cmd.runId} have started`);
    const started: AllocationEvent = {
      type: 'organ-registry.OffersStarted',
      version: 1,
      payload: { runId: cmd.runId, organId: cmd.organId, organType: cmd.organType, order: [...cmd.order] },
    };
    return [started, ...advance(evolve(s, started), now, rules)];
  }
  if (!s.started) throw new AllocationRefusal('OffersNotStarted', 'no offers have been made for this run');
  switch (cmd.type) {
    case 'ExpireOffers':
      return expire(s, now, rules);
    case 'Accept':
      return accept(s, cmd, now);
    case 'Decline':
      return decline(s, cmd, now, rules);
    case 'Bypass':
      return bypass(s, cmd, now, rules);
    case 'RecordTransplant':
      return transplant(s, cmd);
  }
}

/** The offer open to this candidate now (an offer past its deadline is no longer open). */
function openOffer(s: AllocationState, candidateId: string, now: number): Offer {
  const offer = s.offers.find((o) => o.candidateId === candidateId && o.status === 'open');
  if (!offer || offer.expiresAt <= now) throw new AllocationRefusal('NoOpenOffer', `no open offer to ${candidateId}`);
  return offer;
}

function ids(s: AllocationState, o: { candidateId: string; centre: string }) {
  return { runId: s.runId, organId: s.organId, candidateId: o.candidateId, centre: o.centre };
}

function accept(
  s: AllocationState,
  cmd: { candidateId: string; holdsAcceptanceForType: boolean },
  now: number,
): AllocationEvent[] {
  const offer = openOffer(s, cmd.candidateId, now);
  if (cmd.holdsAcceptanceForType)
    throw new AllocationRefusal('AlreadyAccepted', `${cmd.candidateId} already holds an accepted ${s.organType} offer`);
  return [{ type: 'organ-registry.OfferAccepted', version: 1, payload: ids(s, offer) }];
}

function decline(s: AllocationState, cmd: { candidateId: string; code: string }, now: number, rules: AllocationRules) {
  const offer = openOffer(s, cmd.candidateId, now);
  if (!rules.refusalCodes.includes(cmd.code))
    throw new AllocationRefusal(
      'UnknownRefusalCode',
      `refusal code ${cmd.code} is not one of ${rules.refusalCodes.join(', ')}`,
    );
  const declined: AllocationEvent = {
    type: 'organ-registry.OfferDeclined',
    version: 1,
    payload: { ...ids(s, offer), code: cmd.code },
  };
  return [declined, ...advance(evolve(s, declined), now, rules)];
}

function expire(s: AllocationState, now: number, rules: AllocationRules): AllocationEvent[] {
  const due = s.offers.filter((o) => o.status === 'open' && o.expiresAt <= now);
  if (due.length === 0) return [];
  const expired: AllocationEvent[] = due.map((o) => ({
    type: 'organ-registry.OfferExpired',
    version: 1,
    payload: ids(s, o),
  }));
  return [...expired, ...advance(expired.reduce(evolve, s), now, rules)];
}

function bypass(s: AllocationState, cmd: { candidateId: string; code?: string }, now: number, rules: AllocationRules) {
  if (s.acceptedBy) throw new AllocationRefusal('OrganAllocated', `the organ went to ${s.acceptedBy}`);
  const at = s.order.findIndex((e) => e.candidateId === cmd.candidateId);
  const offered = s.offers.find((o) => o.candidateId === cmd.candidateId);
  if (at < 0 || (offered && offered.status !== 'open'))
    throw new AllocationRefusal('NotOnRun', `${cmd.candidateId} has no pending place on this run`);
  const code = cmd.code ?? null;
  const flagged = code === null || !rules.bypassCodes.includes(code);
  const bypassed: AllocationEvent = {
    type: 'organ-registry.CandidateBypassed',
    version: 1,
    payload: { runId: s.runId, organId: s.organId, candidateId: cmd.candidateId, code, flagged },
  };
  return [bypassed, ...advance(evolve(s, bypassed), now, rules)];
}

function transplant(s: AllocationState, cmd: { candidateId: string }): AllocationEvent[] {
  if (s.acceptedBy !== cmd.candidateId || s.transplantedInto !== undefined)
    throw new AllocationRefusal('OffListTransplant', `${cmd.candidateId} did not accept this organ from the run`);
  const entry = s.order.find((e) => e.candidateId === cmd.candidateId)!;
  return [{ type: 'organ-registry.TransplantRecorded', version: 1, payload: ids(s, entry) }];
}

/** After a decline, expiry or bypass: the next candidate not bypassed gets the offer, or the list is exhausted. */
function advance(s: AllocationState, now: number, rules: AllocationRules): AllocationEvent[] {
  if (s.acceptedBy || s.offers.some((o) => o.status === 'open')) return [];
  let next = s.next;
  while (next < s.order.length && s.offers.some((o) => o.candidateId === s.order[next]!.candidateId)) next += 1;
  const entry = s.order[next];
  if (!entry)
    return [{ type: 'organ-registry.OffersExhausted', version: 1, payload: { runId: s.runId, organId: s.organId } }];
  const payload = { ...ids(s, entry), rank: next + 1, offeredAt: iso(now), expiresAt: iso(now + rules.responseMs) };
  return [{ type: 'organ-registry.OfferMade', version: 1, payload }];
}

const setStatus = (s: AllocationState, candidateId: string, status: OfferStatus, code?: string) => ({
  ...s,
  offers: s.offers.map((o) => (o.candidateId === candidateId && o.status === 'open' ? { ...o, status, code } : o)),
});

export function evolve(s: AllocationState, e: AllocationEvent): AllocationState {
  switch (e.type) {
    case 'organ-registry.OffersStarted':
      return { ...s, started: true, ...e.payload };
    case 'organ-registry.OfferMade': {
      const p = e.payload;
      const offer: Offer = {
        candidateId: p.candidateId,
        centre: p.centre,
        rank: p.rank,
        status: 'open',
        offeredAt: Date.parse(p.offeredAt),
        expiresAt: Date.parse(p.expiresAt),
      };
      return { ...s, next: p.rank, offers: [...s.offers, offer] };
    }
    case 'organ-registry.OfferAccepted':
      return { ...setStatus(s, e.payload.candidateId, 'accepted'), acceptedBy: e.payload.candidateId };
    case 'organ-registry.OfferDeclined':
      return setStatus(s, e.payload.candidateId, 'declined', e.payload.code);
    case 'organ-registry.OfferExpired':
      return setStatus(s, e.payload.candidateId, 'expired');
    case 'organ-registry.CandidateBypassed': {
      const entry = s.order.find((o) => o.candidateId === e.payload.candidateId)!;
      const rank = s.order.indexOf(entry) + 1;
      const open = s.offers.some((o) => o.candidateId === entry.candidateId && o.status === 'open');
      const code = e.payload.code ?? undefined;
      if (open) return setStatus(s, entry.candidateId, 'bypassed', code);
      const offer: Offer = { ...entry, rank, status: 'bypassed', offeredAt: 0, expiresAt: 0, code };
      return { ...s, offers: [...s.offers, offer] };
    }
    case 'organ-registry.OffersExhausted':
      return { ...s, exhausted: true };
    case 'organ-registry.TransplantRecorded':
      return { ...s, transplantedInto: e.payload.candidateId };
  }
}
