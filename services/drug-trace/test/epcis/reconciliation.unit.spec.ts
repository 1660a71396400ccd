import { addQuantities, reconcileQuantities, removeQuantities } from '../../src/epcis/domain/quantities.js';
import { reconcile } from '../../src/epcis/domain/reconciliation.js';

const LOT = 'https://id.gs1.org/01/09521234543213/10/LOT1';
const GTIN_CLASS = 'https://id.gs1.org/01/09521234543220';
const q = (epcClass: string, quantity: number | null, uom: string | null = null) => ({ epcClass, quantity, uom });
const none = { epcs: new Set<string>(), quantities: [] };

describe('shipment ↔ receipt reconciliation', () => {
  it('names what was shipped but not received and what was received but not shipped', () => {
    expect(
      reconcile({ epcs: new Set(['a', 'b', 'c']), quantities: [] }, { epcs: new Set(['c', 'a', 'd']), quantities: [] }),
    ).toEqual({
      shipped: 3,
      received: 3,
      missing: ['b'],
      unexpected: ['d'],
      quantities: [],
      complete: false,
    });
    expect(reconcile({ epcs: new Set(['a']), quantities: [] }, { epcs: new Set(['a']), quantities: [] }).complete).toBe(
      true,
    );
  });

  it('compares class-level amounts per class and unit: a short receipt is not complete', () => {
    const r = reconcile(
      { ...none, quantities: [q(LOT, 100), q(GTIN_CLASS, 2.5, 'KGM')] },
      { ...none, quantities: [q(LOT, 60), q(LOT, 30), q(GTIN_CLASS, 2.5, 'KGM')] },
    );
    expect(r.quantities).toEqual([
      { epcClass: LOT, uom: null, shipped: 100, received: 90, difference: -10 },
      { epcClass: GTIN_CLASS, uom: 'KGM', shipped: 2.5, received: 2.5, difference: 0 },
    ]);
    expect(r.complete).toBe(false);
    expect(reconcile({ ...none, quantities: [q(LOT, 90)] }, { ...none, quantities: [q(LOT, 60), q(LOT, 30)] })).toEqual(
      expect.objectContaining({ complete: true }),
    );
  });

  it('a class only one side names counts 0 on the other; the same class in another unit is another line', () => {
    expect(reconcileQuantities([q(LOT, 5)], [q(LOT, 5, 'EA'), q(GTIN_CLASS, 1)])).toEqual([
      { epcClass: LOT, uom: null, shipped: 5, received: 0, difference: -5 },
      { epcClass: LOT, uom: 'EA', shipped: 0, received: 5, difference: 5 },
      { epcClass: GTIN_CLASS, uom: null, shipped: 0, received: 1, difference: 1 },
    ]);
  });

  it('an unstated amount never reconciles', () => {
    const r = reconcile({ ...none, quantities: [q(LOT, null)] }, { ...none, quantities: [q(LOT, 10)] });
    expect(r.quantities[0]).toMatchObject({ shipped: null, received: 10, difference: null });
    expect(r.complete).toBe(false);
  });
});

describe('class-level contents of a case or pallet', () => {
  it('packing adds per class and unit; unpacking takes out and drops what reaches 0', () => {
    const held = addQuantities([q(LOT, 40)], [q(LOT, 60), q(GTIN_CLASS, 0.1, 'KGM'), q(GTIN_CLASS, 0.2, 'KGM')]);
    expect(held).toEqual([q(LOT, 100), q(GTIN_CLASS, 0.3, 'KGM')]);
    expect(removeQuantities(held, [q(LOT, 100), q(GTIN_CLASS, 0.1, 'KGM')])).toEqual([q(GTIN_CLASS, 0.2, 'KGM')]);
  });

  it('taking out what was never packed changes nothing', () => {
    expect(removeQuantities([q(LOT, 5)], [q(GTIN_CLASS, 5)])).toEqual([q(LOT, 5)]);
  });
});
