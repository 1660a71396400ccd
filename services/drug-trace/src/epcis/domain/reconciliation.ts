import type { Quantity } from './epcis-event.js';
import { reconcileQuantities, type QuantityLine } from './quantities.js';

/** Shipment ↔ receipt for one business transaction (a despatch advice, a PO): what arrived, what did not. */
export interface Reconciliation {
  shipped: number;
  received: number;
  missing: string[];
  unexpected: string[];
  /** Class-level amounts (quantityList, and what the cases and pallets held): shipped vs received per class. */
  quantities: QuantityLine[];
  complete: boolean;
}

export interface Shipment {
  /** Instance-level EPCs: packs and the cases/pallets they travelled in. */
  epcs: ReadonlySet<string>;
  quantities: readonly Quantity[];
}

/**
 * Pure: what was shipped and received under one transaction. Complete when every EPC shipped arrived, nothing
 * else did, and every class's amount received equals the amount shipped (an unstated amount never matches).
 */
export function reconcile(shipped: Shipment, received: Shipment): Reconciliation {
  const missing = [...shipped.epcs].filter((e) => !received.epcs.has(e)).sort();
  const unexpected = [...received.epcs].filter((e) => !shipped.epcs.has(e)).sort();
  const quantities = reconcileQuantities(shipped.quantities, received.quantities);
  return {
    shipped: shipped.epcs.size,
    received: received.epcs.size,
    missing,
    unexpected,
    quantities,
    complete: missing.length === 0 && unexpected.length === 0 && quantities.every((q) => q.difference === 0),
  };
}
