import { decide, evolve, type PackCommand, type PackState } from '../../src/packs/domain/pack.js';

const PHARMACY = '9521234000020';
const OTHER_PHARMACY = '9521234000037';
const day = (n: number) => new Date(Date.UTC(2027, 0, 1) + n * 24 * 3600 * 1000);

/** A pack commissioned on day 0, then taken through the commands given (each must be accepted). */
function aPack(...cmds: PackCommand[]): PackState {
  const commission: PackCommand = {
    kind: 'Commission',
    gtin: '09521234543213',
    serial: 'S1',
    lot: 'L1',
    expiry: '2028-12-31',
    at: day(0),
    location: '9521234000006',
    party: 'maker',
  };
  let state: PackState | undefined;
  for (const c of [commission, ...cmds]) {
    const d = decide(c, state);
    if (!d.ok) throw new Error(`refused: ${d.refusal.message}`);
    state = d.events.reduce<PackState | undefined>(evolve, state);
  }
  return state!;
}
const dispense = (at = day(1), location = PHARMACY, party = 'pharmacy'): PackCommand => ({
  kind: 'Decommission',
  to: 'supplied',
  at,
  location,
  party,
});
const undo = (at: Date, location = PHARMACY, party = 'pharmacy'): PackCommand => ({
  kind: 'Undo',
  at,
  location,
  party,
});

describe('pack state (EMVS)', () => {
  it('a commissioned pack is active; dispensing makes it supplied at that pharmacy', () => {
    expect(aPack().status).toBe('active');
    const p = aPack(dispense());
    expect(p).toMatchObject({ status: 'supplied', statusLocation: PHARMACY, statusParty: 'pharmacy' });
  });

  it('refuses a second decommission: A7 for the same state, A24 (NC_PCK_22) naming another', () => {
    const p = aPack(dispense());
    expect(decide(dispense(day(2)), p)).toMatchObject({ ok: false, refusal: { code: 'A7', state: 'supplied' } });
    const destroy: PackCommand = { kind: 'Decommission', to: 'destroyed', at: day(2), location: PHARMACY, party: 'x' };
    expect(decide(destroy, p)).toMatchObject({ ok: false, refusal: { code: 'A24', reason: 'NC_PCK_22' } });
  });

  it('undoes within 10 days at the same location by the same party', () => {
    expect(aPack(dispense(day(1)), undo(day(11))).status).toBe('active');
  });

  it('refuses an undo after 10 days (NC_PCK_20), elsewhere (NC_PCK_06) or by another party (NC_PCK_21)', () => {
    const p = aPack(dispense(day(1)));
    expect(decide(undo(day(11.01)), p)).toMatchObject({ ok: false, refusal: { reason: 'NC_PCK_20' } });
    expect(decide(undo(day(2), OTHER_PHARMACY), p)).toMatchObject({ ok: false, refusal: { reason: 'NC_PCK_06' } });
    expect(decide(undo(day(2), PHARMACY, 'intruder'), p)).toMatchObject({
      ok: false,
      refusal: { reason: 'NC_PCK_21' },
    });
  });

  it.each(['stolen', 'destroyed'] as const)('never undoes a %s pack, even at once and in place', (to) => {
    const p = aPack({ kind: 'Decommission', to, at: day(1), location: PHARMACY, party: 'pharmacy' });
    expect(decide(undo(day(1)), p)).toMatchObject({ ok: false, refusal: { code: 'A24', reason: 'NC_PCK_27' } });
  });

  it.each(['recalled', 'withdrawn', 'expired'] as const)('%s is final: no undo, no decommission', (to) => {
    const p = aPack({ kind: 'SetIrreversible', to, at: day(1) });
    expect(p.status).toBe(to);
    expect(decide(undo(day(1)), p)).toMatchObject({ ok: false, refusal: { code: 'A24' } });
    expect(decide(dispense(day(2)), p)).toMatchObject({ ok: false, refusal: { code: 'A24', state: to } });
  });

  it('refuses commissioning a serial twice and any command on an unknown serial', () => {
    const p = aPack();
    const again = decide({ kind: 'Commission', ...p, at: day(1), location: 'x', party: 'y' }, p);
    expect(again).toMatchObject({ ok: false, refusal: { code: 'AlreadyCommissioned' } });
    expect(decide(dispense(), undefined)).toMatchObject({ ok: false, refusal: { code: 'NotCommissioned' } });
  });
});
