import { reconcile } from '../../src/epcis/domain/reconciliation.js';

describe('shipment ↔ receipt reconciliation', () => {
  it('names what was shipped but not received and what was received but not shipped', () => {
    expect(reconcile(new Set(['a', 'b', 'c']), new Set(['c', 'a', 'd']))).toEqual({
      shipped: 3,
      received: 3,
      missing: ['b'],
      unexpected: ['d'],
      complete: false,
    });
    expect(reconcile(new Set(['a']), new Set(['a'])).complete).toBe(true);
  });
});
