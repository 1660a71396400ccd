import {
  AllocationRefusal,
  decide,
  evolve,
  initialAllocation,
  type AllocationCommand,
  type AllocationEvent,
  type AllocationRules,
  type AllocationState,
} from '../../../src/allocation/domain/allocation.js';

const HOUR = 3_600_000;
const T0 = Date.parse('2026-01-01T10:00:00Z');
const rules: AllocationRules = {
  responseMs: HOUR,
  refusalCodes: ['DONOR_QUALITY', 'CANDIDATE_UNAVAILABLE', 'POSITIVE_CROSSMATCH'],
  bypassCodes: ['861', '862', '863', '887', '799'],
};
const order = [
  { candidateId: 'c1', centre: 'hosp' },
  { candidateId: 'c2', centre: 'clinic' },
  { candidateId: 'c3', centre: 'hosp' },
];

/** Applies commands in turn, each at its time; returns the state and every event. */
function play(steps: [AllocationCommand, number][]): { state: AllocationState; events: AllocationEvent[] } {
  let state = initialAllocation;
  const events: AllocationEvent[] = [];
  for (const [cmd, at] of steps) {
    const out = decide(cmd, state, at, rules);
    events.push(...out);
    state = out.reduce(evolve, state);
  }
  return { state, events };
}
const start: AllocationCommand = { type: 'StartOffers', runId: 'r', organId: 'o', organType: 'kidney', order };
const types = (es: AllocationEvent[]) => es.map((e) => e.type.replace('organ-registry.', ''));

describe('sequential offers', () => {
  it('starts with an offer to rank 1 that expires one hour later', () => {
    const { events, state } = play([[start, T0]]);
    expect(types(events)).toEqual(['OffersStarted', 'OfferMade']);
    expect(events[1]!.payload).toMatchObject({ candidateId: 'c1', rank: 1, expiresAt: '2026-01-01T11:00:00.000Z' });
    expect(state.offers.map((o) => [o.candidateId, o.status])).toEqual([['c1', 'open']]);
  });

  it('a decline with a refusal code moves the offer to rank 2; an acceptance ends the sequence', () => {
    const { events, state } = play([
      [start, T0],
      [{ type: 'Decline', candidateId: 'c1', code: 'DONOR_QUALITY' }, T0 + 10 * 60_000],
      [{ type: 'Accept', candidateId: 'c2', holdsAcceptanceForType: false }, T0 + 20 * 60_000],
    ]);
    expect(types(events)).toEqual(['OffersStarted', 'OfferMade', 'OfferDeclined', 'OfferMade', 'OfferAccepted']);
    // The second offer's clock starts at the decline (10:10) and runs one hour: 11:10.
    expect(events[3]!.payload).toMatchObject({ candidateId: 'c2', rank: 2, expiresAt: '2026-01-01T11:10:00.000Z' });
    expect(state.acceptedBy).toBe('c2');
  });

  it('refuses an unknown refusal code and an answer after the deadline', () => {
    const s = play([[start, T0]]).state;
    expect(() => decide({ type: 'Decline', candidateId: 'c1', code: 'NOPE' }, s, T0, rules)).toThrow(
      /refusal code NOPE/,
    );
    const late = () =>
      decide({ type: 'Accept', candidateId: 'c1', holdsAcceptanceForType: false }, s, T0 + HOUR, rules);
    expect(late).toThrow(AllocationRefusal);
  });

  it('an unanswered offer expires at its deadline and the next candidate is offered', () => {
    const { events } = play([
      [start, T0],
      [{ type: 'ExpireOffers' }, T0 + HOUR - 1], // 10:59:59.999: nothing due yet
      [{ type: 'ExpireOffers' }, T0 + HOUR],
    ]);
    expect(types(events)).toEqual(['OffersStarted', 'OfferMade', 'OfferExpired', 'OfferMade']);
    expect(events[3]!.payload).toMatchObject({ candidateId: 'c2', rank: 2 });
  });

  it('one acceptance per candidate per organ type', () => {
    const s = play([[start, T0]]).state;
    expect(() => decide({ type: 'Accept', candidateId: 'c1', holdsAcceptanceForType: true }, s, T0, rules)).toThrow(
      /already holds an accepted kidney offer/,
    );
  });

  it('when everyone declines, the list is exhausted', () => {
    const d = (c: string): [AllocationCommand, number] => [
      { type: 'Decline', candidateId: c, code: 'CANDIDATE_UNAVAILABLE' },
      T0,
    ];
    expect(types(play([[start, T0], d('c1'), d('c2'), d('c3')]).events).slice(-1)).toEqual(['OffersExhausted']);
  });
});

describe('allocation out of sequence', () => {
  it('a bypass with an HRSA code is recorded unflagged; without one it is flagged; the next is offered', () => {
    const { events } = play([
      [start, T0],
      [{ type: 'Bypass', candidateId: 'c1', code: '862' }, T0],
      [{ type: 'Bypass', candidateId: 'c2' }, T0],
    ]);
    expect(types(events)).toEqual([
      'OffersStarted',
      'OfferMade',
      'CandidateBypassed',
      'OfferMade',
      'CandidateBypassed',
      'OfferMade',
    ]);
    expect(events[2]!.payload).toMatchObject({ candidateId: 'c1', code: '862', flagged: false });
    expect(events[4]!.payload).toMatchObject({ candidateId: 'c2', code: null, flagged: true });
    expect(events[5]!.payload).toMatchObject({ candidateId: 'c3', rank: 3 });
  });

  it('a bypass with an invalid code is flagged too', () => {
    const { events } = play([
      [start, T0],
      [{ type: 'Bypass', candidateId: 'c3', code: '123' }, T0],
    ]);
    expect(events[2]!.payload).toMatchObject({ candidateId: 'c3', flagged: true });
  });

  it('a transplant only for the candidate who accepted: off-list, bypassed and declined candidates are refused', () => {
    const { state } = play([
      [start, T0],
      [{ type: 'Bypass', candidateId: 'c1', code: '861' }, T0],
      [{ type: 'Accept', candidateId: 'c2', holdsAcceptanceForType: false }, T0],
    ]);
    for (const candidateId of ['c1', 'c3', 'stranger'])
      expect(() => decide({ type: 'RecordTransplant', candidateId }, state, T0, rules)).toThrow(
        expect.objectContaining({ code: 'OffListTransplant' }),
      );
    expect(types(decide({ type: 'RecordTransplant', candidateId: 'c2' }, state, T0, rules))).toEqual([
      'TransplantRecorded',
    ]);
  });
});
