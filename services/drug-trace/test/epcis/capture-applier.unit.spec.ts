import { STANDARD_NAMESPACES } from '../../src/epcis/domain/event-hash.js';
import { toEpcisEvent } from '../../src/epcis/domain/epcis-event.js';
import { CaptureApplier } from '../../src/epcis/use-cases/capture/capture-applier.js';
import type { Location } from '../../src/master-data/domain/master-data.js';
import type { ContainerRecord, PackRecord } from '../../src/packs/pack.repository.js';

const FACTORY = '9521234000006';
const WAREHOUSE = '9521234000013';
const loc = (gln: string, partyId: string, latitude: number, longitude: number): Location => ({
  gln,
  partyId,
  name: gln,
  latitude,
  longitude,
});
const locations = new Map([
  [FACTORY, loc(FACTORY, 'maker', 52.52, 13.405)],
  [WAREHOUSE, loc(WAREHOUSE, 'wholesaler', 53.55, 9.99)],
]);
const site = (gln: string) => ({ id: `urn:epc:id:sgln:9521234.${gln.slice(7, 12)}.0` });
const pack = (s: string) => `urn:epc:id:sgtin:9521234.054321.${s}`;
const DL = (s: string) => `https://id.gs1.org/01/09521234543213/21/${s}`;
const CASE = 'urn:epc:id:sscc:9521234.0000000001';
const CASE_DL = 'https://id.gs1.org/00/095212340000000013';
const ev = (hours: number, gln: string, more: Record<string, unknown>) => ({
  type: 'ObjectEvent',
  eventTime: new Date(Date.UTC(2027, 0, 1) + hours * 3600_000).toISOString(),
  eventTimeZoneOffset: '+00:00',
  bizLocation: site(gln),
  action: 'OBSERVE',
  ...more,
});
const commission = (
  hours: number,
  serials: string[],
  ilmd: Record<string, string> | null = { 'cbvmda:lotNumber': 'L1', 'cbvmda:itemExpirationDate': '2029-12-31' },
) =>
  ev(hours, FACTORY, {
    action: 'ADD',
    bizStep: 'commissioning',
    epcList: serials.map(pack),
    ...(ilmd ? { ilmd } : {}),
  });

function applied(raw: Array<Record<string, unknown>>, packs = new Map<string, PackRecord>()) {
  const containers = new Map<string, ContainerRecord>();
  const a = new CaptureApplier({ packs, containers, locations, partiesByGln: new Map(), maxTravelKmh: 900 });
  const events = raw.map((r, i) => toEpcisEvent(r, i, STANDARD_NAMESPACES));
  a.apply(events);
  return { a, packs, containers, events };
}

describe('capture applier (pure)', () => {
  it('commissions packs with their ILMD at the site, in the custody of the site’s party', () => {
    const { a, packs } = applied([commission(0, ['S1', 'S2'])]);
    expect(a.problems).toEqual([]);
    expect(packs.get('09521234543213|S1')).toMatchObject({
      status: 'active',
      lot: 'L1',
      expiry: '2029-12-31',
      custodian: 'maker',
      location: FACTORY,
    });
  });

  it('applies events by event time, not document order; a case received moves its packs and is their history', () => {
    const receive = ev(10, WAREHOUSE, { bizStep: 'receiving', epcList: [CASE] });
    const shipCase = ev(2, FACTORY, {
      bizStep: 'shipping',
      epcList: [CASE],
      destinationList: [{ type: 'location', destination: site(WAREHOUSE).id }],
    });
    const packing = {
      ...ev(1, FACTORY, { action: 'ADD', bizStep: 'packing', parentID: CASE, childEPCs: [pack('S1')] }),
      type: 'AggregationEvent',
    };
    const { a, packs, events } = applied([receive, commission(0, ['S1']), shipCase, packing]);
    expect(a.problems).toEqual([]);
    expect(packs.get('09521234543213|S1')).toMatchObject({
      parent: CASE_DL,
      custodian: 'wholesaler',
      location: WAREHOUSE,
      destination: null,
    });
    expect([...a.contained.get(events[0]!.hash)!]).toEqual([DL('S1')]);
    expect(a.alerts).toEqual([]);
  });

  it('a second decommission is stored as a clone suspicion, the first state kept', () => {
    const destroy = (h: number) =>
      ev(h, FACTORY, { bizStep: 'destroying', disposition: 'destroyed', epcList: [pack('S1')] });
    const dispense = ev(3, FACTORY, { bizStep: 'dispensing', epcList: [pack('S1')] });
    const { a, packs } = applied([commission(0, ['S1']), destroy(1), dispense]);
    expect(packs.get('09521234543213|S1')!.status).toBe('destroyed');
    expect(a.alerts.map((x) => x.rule)).toEqual(['clone-suspicion']);
  });

  it('names the event of a pack never commissioned and commissioning without ILMD', () => {
    const bare = commission(0, ['S9'], null);
    const { a } = applied([ev(1, FACTORY, { bizStep: 'shipping', epcList: [pack('NEVER')] }), bare]);
    expect(a.problems).toEqual([
      expect.objectContaining({ field: '/epcisBody/eventList/1/ilmd', rule: 'ilmd-required' }),
      expect.objectContaining({ field: '/epcisBody/eventList/0', rule: 'not-commissioned' }),
    ]);
  });

  it('an unpack without children frees every pack of the case', () => {
    const packing = {
      ...ev(1, FACTORY, { action: 'ADD', bizStep: 'packing', parentID: CASE, childEPCs: [pack('S1'), pack('S2')] }),
      type: 'AggregationEvent',
    };
    const unpack = {
      ...ev(2, FACTORY, { action: 'DELETE', bizStep: 'unpacking', parentID: CASE }),
      type: 'AggregationEvent',
    };
    const { packs } = applied([commission(0, ['S1', 'S2']), packing, unpack]);
    expect([...packs.values()].map((p) => p.parent)).toEqual([null, null]);
  });
});
