import {
  cloneSuspicion,
  childApartFromParent,
  impossibleTravel,
  wrongReceiver,
  type Alert,
} from '../../../anomalies/domain/rules.js';
import type { Location } from '../../../master-data/domain/master-data.js';
import { decide, evolve, type PackCommand, type PackState } from '../../../packs/domain/pack.js';
import { packKey, type ContainerRecord, type PackRecord } from '../../../packs/pack.repository.js';
import { effectsOf, type Effect } from '../../domain/effects.js';
import { keyOf, sgtinDl, siteOf, type EpcisEvent, type Quantity } from '../../domain/epcis-event.js';
import { addQuantities, removeQuantities } from '../../domain/quantities.js';

/** A captured event that cannot apply (out of order, missing ILMD): the whole document is refused (422). */
export interface CaptureProblem {
  field: string;
  rule: string;
  message: string;
}

export interface ApplierFacts {
  packs: Map<string, PackRecord>;
  containers: Map<string, ContainerRecord>;
  locations: ReadonlyMap<string, Location>;
  /** Party id per party GLN (AI 417), for destinations named by owning party. */
  partiesByGln: ReadonlyMap<string, string>;
  maxTravelKmh: number;
}

/**
 * Applies captured events, in event-time order, to the packs and containers they touch (pure: it only changes
 * the maps it was given and collects alerts and problems). Facts the state machine refuses are not errors —
 * EPCIS records what happened — but anomalies: a second decommission or commissioning is a clone suspicion.
 */
export class CaptureApplier {
  readonly alerts: Alert[] = [];
  readonly problems: CaptureProblem[] = [];
  readonly changedPacks = new Set<string>();
  readonly changedContainers = new Set<string>();
  /** Per event hash, the EPCs it concerned through a case or pallet it named (their custody history). */
  readonly contained = new Map<string, Set<string>>();
  /** Per event hash, the class-level amounts held by each case or pallet it concerned (by SSCC). */
  readonly containedQuantities = new Map<string, Map<string, Quantity[]>>();

  constructor(private readonly f: ApplierFacts) {}

  apply(events: readonly EpcisEvent[]): void {
    const ordered = [...events].sort((a, b) => a.eventTime.getTime() - b.eventTime.getTime() || a.index - b.index);
    for (const e of ordered) for (const effect of effectsOf(e)) this.effect(e, effect);
  }

  private effect(e: EpcisEvent, x: Effect): void {
    switch (x.kind) {
      case 'commission':
        return x.epcs.forEach((epc) => this.commission(e, epc, x.lot, x.expiry));
      case 'decommission':
        return this.command(e, x.epcs, { kind: 'Decommission', to: x.to, ...this.where(e) });
      case 'irreversible':
        return this.command(e, x.epcs, { kind: 'SetIrreversible', to: x.to, at: e.eventTime });
      case 'pack':
        return this.pack(e, x.parent, x.children, x.quantities);
      case 'unpack':
        return this.unpack(e, x.parent, x.children, x.quantities);
      case 'observe':
        return x.epcs.forEach((epc) => this.observe(e, epc));
    }
  }

  private where(e: EpcisEvent) {
    const site = siteOf(e) ?? '';
    return { at: e.eventTime, location: site, party: this.f.locations.get(site)?.partyId ?? '' };
  }

  private problem(e: EpcisEvent, field: string, rule: string, message: string) {
    this.problems.push({ field: `/epcisBody/eventList/${e.index}${field}`, rule, message });
  }

  private commission(e: EpcisEvent, epc: string, lot: string | null, expiry: string | null) {
    const k = keyOf(epc);
    if (k?.kind !== 'sgtin') return;
    if (!lot || !expiry || !/^\d{4}-\d{2}-\d{2}$/.test(expiry))
      return this.problem(
        e,
        '/ilmd',
        'ilmd-required',
        'commissioning needs cbvmda:lotNumber and cbvmda:itemExpirationDate',
      );
    const key = packKey(k.gtin, k.serial);
    const existing = this.f.packs.get(key);
    const w = this.where(e);
    const d = decide({ kind: 'Commission', gtin: k.gtin, serial: k.serial, lot, expiry, ...w }, existing);
    if (!d.ok) {
      this.alerts.push(
        cloneSuspicion(
          epc,
          'commissioned again',
          existing?.status ?? null,
          [w.party, existing?.custodian ?? ''].filter(Boolean),
          e.eventTime,
        ),
      );
      return;
    }
    const state = d.events.reduce<PackState | undefined>((st, ev) => evolve(st, ev), existing)!;
    this.f.packs.set(key, {
      ...state,
      location: w.location,
      custodian: w.party || null,
      parent: null,
      lastSeenAt: e.eventTime,
      lastSeenGln: w.location,
      destination: null,
      commissionedAt: e.eventTime,
    });
    this.changedPacks.add(key);
  }

  /** The pack an EPC names, or a problem when it was never commissioned (an event out of order). */
  private packOf(e: EpcisEvent, epc: string): PackRecord | undefined {
    const k = keyOf(epc);
    if (k?.kind !== 'sgtin') return undefined;
    const pack = this.f.packs.get(packKey(k.gtin, k.serial));
    if (!pack) this.problem(e, '', 'not-commissioned', `${epc} was never commissioned (events out of order?)`);
    return pack;
  }

  private command(e: EpcisEvent, epcs: readonly string[], cmd: PackCommand) {
    for (const epc of epcs) {
      const pack = this.packOf(e, epc);
      if (!pack) continue;
      const d = decide(cmd, pack);
      if (d.ok)
        Object.assign(
          pack,
          d.events.reduce<PackState>((st, ev) => evolve(st, ev), pack),
        );
      else if (cmd.kind === 'Decommission')
        this.alerts.push(cloneSuspicion(epc, `${cmd.to} again`, pack.status, this.partiesOf(pack, e), e.eventTime));
      this.sight(e, epc, pack);
      this.changedPacks.add(packKey(pack.gtin, pack.serial));
    }
  }

  private partiesOf(pack: PackRecord, e: EpcisEvent): string[] {
    return [pack.custodian, pack.statusParty, this.where(e).party].filter((p): p is string => !!p);
  }

  private container(sscc: string): ContainerRecord {
    let c = this.f.containers.get(sscc);
    if (!c) this.f.containers.set(sscc, (c = { sscc, parent: null, location: null, custodian: null, quantities: [] }));
    this.changedContainers.add(sscc);
    return c;
  }

  private pack(e: EpcisEvent, parent: string, children: readonly string[], quantities: readonly Quantity[]) {
    const w = this.where(e);
    const c = this.container(parent);
    Object.assign(c, { location: w.location, custodian: w.party || null });
    c.quantities = addQuantities(c.quantities, quantities);
    for (const child of children) {
      if (keyOf(child)?.kind === 'sscc') this.container(child).parent = parent;
      const pack = this.packOf(e, child);
      if (!pack) continue;
      pack.parent = parent;
      this.changedPacks.add(packKey(pack.gtin, pack.serial));
    }
  }

  private unpack(
    e: EpcisEvent,
    parent: string,
    children: readonly string[] | 'all',
    quantities: readonly Quantity[] | 'all',
  ) {
    const held = this.container(parent);
    held.quantities = quantities === 'all' ? [] : removeQuantities(held.quantities, quantities);
    const named = children === 'all' ? undefined : new Set(children);
    for (const [key, p] of this.f.packs)
      if (p.parent === parent && (!named || named.has(sgtinDl(p.gtin, p.serial)))) {
        p.parent = null;
        this.changedPacks.add(key);
        this.concerned(e, sgtinDl(p.gtin, p.serial));
      }
    for (const c of this.f.containers.values())
      if (c.parent === parent && (!named || named.has(c.sscc))) {
        c.parent = null;
        this.changedContainers.add(c.sscc);
        this.concerned(e, c.sscc);
      }
  }

  private concerned(e: EpcisEvent, epc: string) {
    let set = this.contained.get(e.hash);
    if (!set) this.contained.set(e.hash, (set = new Set()));
    set.add(epc);
  }

  private concernedAmounts(e: EpcisEvent, sscc: string, quantities: Quantity[]) {
    let byContainer = this.containedQuantities.get(e.hash);
    if (!byContainer) this.containedQuantities.set(e.hash, (byContainer = new Map()));
    byContainer.set(sscc, quantities);
  }

  private observe(e: EpcisEvent, epc: string) {
    if (keyOf(epc)?.kind === 'sscc') return this.observeContainer(e, epc);
    const pack = this.packOf(e, epc);
    if (!pack) return;
    const site = siteOf(e);
    if (pack.parent && site && e.type !== 'AggregationEvent') {
      const parentSite = this.f.containers.get(pack.parent)?.location ?? null;
      const a = childApartFromParent(epc, pack.parent, parentSite, site, this.partiesOf(pack, e));
      if (a) this.alerts.push(a);
    }
    this.sight(e, epc, pack);
    this.changedPacks.add(packKey(pack.gtin, pack.serial));
  }

  /** A case or pallet seen: it and everything in it (any depth) were there. */
  private observeContainer(e: EpcisEvent, sscc: string) {
    const c = this.container(sscc);
    if (c.quantities.length > 0) this.concernedAmounts(e, sscc, c.quantities);
    const w = this.where(e);
    c.location = w.location || c.location;
    if (e.bizStep === 'receiving') c.custodian = w.party || c.custodian;
    for (const inner of this.f.containers.values())
      if (inner.parent === sscc) {
        this.concerned(e, inner.sscc);
        this.observeContainer(e, inner.sscc);
      }
    for (const [key, p] of this.f.packs)
      if (p.parent === sscc) {
        this.concerned(e, sgtinDl(p.gtin, p.serial));
        this.sight(e, sgtinDl(p.gtin, p.serial), p);
        this.changedPacks.add(key);
      }
  }

  /** Where a pack was seen: travel plausibility, then custody (receipt) and destination (shipment). */
  private sight(e: EpcisEvent, epc: string, pack: PackRecord) {
    const w = this.where(e);
    if (!w.location || (pack.lastSeenAt && e.eventTime < pack.lastSeenAt)) return;
    this.checkTravel(e, epc, pack, w.location);
    if (e.bizStep === 'receiving' && w.party) {
      const a = wrongReceiver(epc, pack.destination, w.party, e.eventTime);
      if (a) this.alerts.push(a);
      pack.custodian = w.party;
      pack.destination = null;
    }
    if (e.bizStep === 'shipping') pack.destination = this.destinationOf(e) ?? pack.destination;
    Object.assign(pack, { location: w.location, lastSeenAt: e.eventTime, lastSeenGln: w.location });
  }

  private checkTravel(e: EpcisEvent, epc: string, pack: PackRecord, gln: string) {
    const prev = pack.lastSeenGln ? this.f.locations.get(pack.lastSeenGln) : undefined;
    const next = this.f.locations.get(gln);
    if (!prev || !next || !pack.lastSeenAt) return;
    const a = impossibleTravel(
      epc,
      { ...prev, at: pack.lastSeenAt },
      { ...next, at: e.eventTime },
      this.f.maxTravelKmh,
      [prev.partyId, next.partyId],
    );
    if (a) this.alerts.push(a);
  }

  /** The party a shipment is for: its owning-party destination (AI 417), else its destination location's party. */
  private destinationOf(e: EpcisEvent): string | undefined {
    for (const d of e.destinations) {
      const k = keyOf(d.id);
      if (k?.kind === 'pgln' && this.f.partiesByGln.has(k.gln)) return this.f.partiesByGln.get(k.gln);
      if (k?.kind === 'sgln' && this.f.locations.has(k.gln)) return this.f.locations.get(k.gln)!.partyId;
    }
    return undefined;
  }
}
