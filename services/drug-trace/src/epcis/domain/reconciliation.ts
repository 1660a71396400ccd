/** Shipment ↔ receipt for one business transaction (a despatch advice, a PO): what arrived, what did not. */
export interface Reconciliation {
  shipped: number;
  received: number;
  missing: string[];
  unexpected: string[];
  complete: boolean;
}

/** Pure: EPCs shipped and received under one transaction (packs and the cases/pallets they travelled in). */
export function reconcile(shipped: ReadonlySet<string>, received: ReadonlySet<string>): Reconciliation {
  const missing = [...shipped].filter((e) => !received.has(e)).sort();
  const unexpected = [...received].filter((e) => !shipped.has(e)).sort();
  return {
    shipped: shipped.size,
    received: received.size,
    missing,
    unexpected,
    complete: missing.length === 0 && unexpected.length === 0,
  };
}
