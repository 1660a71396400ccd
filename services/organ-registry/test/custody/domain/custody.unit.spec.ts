import {
  afterHandOff,
  discrepancies,
  handOffMessage,
  orderProblem,
  stageNumber,
  type CustodyState,
} from '../../../src/custody/domain/custody.js';

const OPO = `0x${'01'.repeat(32)}`;
const LAB = `0x${'02'.repeat(32)}`;
const CENTRE = `0x${'03'.repeat(32)}`;
const start: CustodyState = { organId: 'OR-1', custodianId: OPO, seq: 0, stage: 'procured', blocked: false };
const organ = { laterality: 'left' as const, abo: 'A2' as const };

describe('custody order', () => {
  it('numbers stages as the contract: procured 1 … transplanted 6', () => {
    expect([stageNumber('procured'), stageNumber('checked-in'), stageNumber('transplanted')]).toEqual([1, 4, 6]);
  });
  it('accepts the next stage from the holder to another party', () => {
    expect(orderProblem(start, { stage: 'labelled', fromId: OPO, toId: LAB })).toBeUndefined();
  });
  it.each([
    [{ stage: 'in-transit', fromId: OPO, toId: LAB }, 'CustodyWrongStage'],
    [{ stage: 'labelled', fromId: LAB, toId: CENTRE }, 'NotCustodian'],
    [{ stage: 'labelled', fromId: OPO, toId: OPO }, 'SameParty'],
  ] as const)('refuses %j: %s', (h, code) => {
    expect(orderProblem(start, h)?.code).toBe(code);
  });
  it('a check-in needs the label read; a blocked organ moves nowhere', () => {
    const inTransit = { ...start, stage: 'in-transit' as const, custodianId: LAB, seq: 2 };
    expect(orderProblem(inTransit, { stage: 'checked-in', fromId: LAB, toId: CENTRE })?.code).toBe('CheckInNeedsLabel');
    expect(
      orderProblem({ ...inTransit, blocked: true }, { stage: 'checked-in', fromId: LAB, toId: CENTRE })?.code,
    ).toBe('CustodyBlocked');
  });
});

describe('check-in discrepancies', () => {
  it('names a laterality or ABO mismatch between label and registry', () => {
    expect(discrepancies(organ, { laterality: 'left', abo: 'A2' })).toEqual([]);
    expect(discrepancies(organ, { laterality: 'right', abo: 'O' })).toEqual([
      'laterality: label right, registered left',
      'abo: label O, registered A2',
    ]);
  });
  it('a mismatch makes the signed message carry discrepancy = true, and the organ blocked after it', () => {
    const s = { ...start, stage: 'in-transit' as const, custodianId: LAB, seq: 2 };
    const h = {
      stage: 'checked-in' as const,
      fromId: LAB,
      toId: CENTRE,
      observed: { laterality: 'right' as const, abo: 'A2' as const },
    };
    const m = handOffMessage(`0x${'aa'.repeat(32)}`, s, h, organ, 7n, 99n);
    expect(m).toMatchObject({
      seq: 2,
      stage: 4,
      fromId: LAB,
      toId: CENTRE,
      discrepancy: true,
      nonce: 7n,
      deadline: 99n,
    });
    expect(afterHandOff(s, h, m.discrepancy)).toEqual({
      ...s,
      custodianId: CENTRE,
      seq: 3,
      stage: 'checked-in',
      blocked: true,
    });
  });
});
