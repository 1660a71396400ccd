import type { InactiveState, IrreversibleState } from '../../packs/domain/pack.js';
import type { EpcisEvent, Quantity } from './epcis-event.js';

/**
 * What a captured event does to packs and containers (pure). EPCIS records what happened; these are the
 * consequences the service tracks: commissioning (with ILMD lot and expiry), decommissioning into an EMVS
 * state, final states, packing and unpacking, and every sighting (place, time, custody, destination).
 */
export type Effect =
  | { kind: 'commission'; epcs: string[]; lot: string | null; expiry: string | null }
  | { kind: 'decommission'; epcs: string[]; to: InactiveState }
  | { kind: 'irreversible'; epcs: string[]; to: IrreversibleState }
  | { kind: 'pack'; parent: string; children: string[]; quantities: Quantity[] }
  /** `all`: neither EPCs nor amounts listed — everything comes out. */
  | { kind: 'unpack'; parent: string; children: string[] | 'all'; quantities: Quantity[] | 'all' }
  | { kind: 'observe'; epcs: string[] };

const DECOMMISSION_BY_STEP: Record<string, InactiveState> = {
  dispensing: 'supplied',
  destroying: 'destroyed',
  sampling: 'sample',
  decommissioning: 'checked_out',
};
const DECOMMISSION_BY_DISPOSITION: Record<string, InactiveState> = {
  dispensed: 'supplied',
  destroyed: 'destroyed',
  stolen: 'stolen',
};
const FINAL_BY_DISPOSITION: Record<string, IrreversibleState> = { recalled: 'recalled', expired: 'expired' };

export function effectsOf(e: EpcisEvent): Effect[] {
  const epcs = e.subjects;
  if (e.type === 'AggregationEvent' && e.parentId) {
    const quantities = e.quantities;
    if (e.action === 'ADD') return [{ kind: 'pack', parent: e.parentId, children: epcs, quantities }, observe(e)];
    if (e.action === 'DELETE') {
      const all = epcs.length === 0 && quantities.length === 0;
      return [
        { kind: 'unpack', parent: e.parentId, children: all ? 'all' : epcs, quantities: all ? 'all' : quantities },
        observe(e),
      ];
    }
    return [observe(e)];
  }
  if (e.bizStep === 'commissioning' && (e.action === 'ADD' || e.type === 'TransformationEvent'))
    return [{ kind: 'commission', epcs, ...lotAndExpiry(e) }];
  const final = e.disposition ? FINAL_BY_DISPOSITION[e.disposition] : undefined;
  if (final) return [{ kind: 'irreversible', epcs, to: final }];
  const to =
    (e.disposition ? DECOMMISSION_BY_DISPOSITION[e.disposition] : undefined) ??
    (e.bizStep ? DECOMMISSION_BY_STEP[e.bizStep] : undefined) ??
    (e.action === 'DELETE' ? 'checked_out' : undefined);
  if (to) return [{ kind: 'decommission', epcs, to }];
  return [observe(e)];
}

const observe = (e: EpcisEvent): Effect => ({
  kind: 'observe',
  epcs: e.parentId ? [e.parentId, ...e.subjects] : e.subjects,
});

/** CBV master data attributes at commissioning (cbvmda:lotNumber, cbvmda:itemExpirationDate). */
function lotAndExpiry(e: EpcisEvent): { lot: string | null; expiry: string | null } {
  const ilmd = e.ilmd ?? {};
  const pick = (local: string) => {
    const v = ilmd[`cbvmda:${local}`] ?? ilmd[`urn:epcglobal:cbv:mda:${local}`] ?? ilmd[local];
    return typeof v === 'string' ? v : null;
  };
  return { lot: pick('lotNumber'), expiry: pick('itemExpirationDate') };
}
