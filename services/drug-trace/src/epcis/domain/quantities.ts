import type { Quantity } from './epcis-event.js';

/**
 * Class-level amounts (pure): what a case or pallet holds besides serialised packs, added when packed
 * (AggregationEvent ADD with childQuantityList) and taken out when unpacked; one line per class and unit. An
 * amount left unstated (`quantity` absent) stays unstated: adding to it or taking from it gives no number.
 */
const lineKey = (q: Pick<Quantity, 'epcClass' | 'uom'>) => `${q.epcClass}|${q.uom ?? ''}`;

/** Rounded to a millionth: amounts in kg or litres must not drift by binary fractions. */
const combine = (a: number | null, b: number | null, sign: 1 | -1) =>
  a === null || b === null ? null : Math.round((a + sign * b) * 1e6) / 1e6;

function merge(held: readonly Quantity[], change: readonly Quantity[], sign: 1 | -1): Quantity[] {
  const lines = new Map(held.map((q) => [lineKey(q), { ...q }]));
  for (const q of change) {
    const line = lines.get(lineKey(q));
    if (line) line.quantity = combine(line.quantity, q.quantity, sign);
    else if (sign === 1) lines.set(lineKey(q), { ...q });
  }
  return [...lines.values()]
    .filter((q) => q.quantity === null || q.quantity > 0)
    .sort((a, b) => lineKey(a).localeCompare(lineKey(b)));
}

export const addQuantities = (held: readonly Quantity[], add: readonly Quantity[]) => merge(held, add, 1);
export const removeQuantities = (held: readonly Quantity[], take: readonly Quantity[]) => merge(held, take, -1);
/** Several listings of amounts as one (the same class and unit summed). */
export const totalOf = (...lists: ReadonlyArray<readonly Quantity[]>) => lists.reduce<Quantity[]>(addQuantities, []);

export interface QuantityLine {
  epcClass: string;
  uom: string | null;
  shipped: number | null;
  received: number | null;
  /** received − shipped; null when either side left its amount unstated. */
  difference: number | null;
}

/** Shipped against received amounts per class and unit; a class only one side names has 0 on the other. */
export function reconcileQuantities(shipped: readonly Quantity[], received: readonly Quantity[]): QuantityLine[] {
  const s = new Map(totalOf(shipped).map((q) => [lineKey(q), q]));
  const r = new Map(totalOf(received).map((q) => [lineKey(q), q]));
  return [...new Set([...s.keys(), ...r.keys()])].sort().map((k) => {
    const q = (s.get(k) ?? r.get(k))!;
    const shippedQ = s.has(k) ? s.get(k)!.quantity : 0;
    const receivedQ = r.has(k) ? r.get(k)!.quantity : 0;
    return {
      epcClass: q.epcClass,
      uom: q.uom,
      shipped: shippedQ,
      received: receivedQ,
      difference: shippedQ === null || receivedQ === null ? null : receivedQ - shippedQ,
    };
  });
}
