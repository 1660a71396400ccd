// The REST binding's top-level resources on the real servers: lists, resources and their events, and that a
// party browses only what its own events name (BOLA): another party's business steps, sites and EPCs stay unseen.
import {
  commission,
  epcisDocument,
  GLN,
  seedMasterData,
  sgln,
  sgtin,
  ship,
  startDrugTrace,
  type App,
} from './harness.js';

describe('drug-trace EPCIS browse endpoints (integration)', () => {
  let h: App;
  const dl = (serial: string) => `https://id.gs1.org/01/09521234543213/21/${serial}`;
  const members = async (user: Parameters<App['call']>[0], path: string) => {
    const r = await h.call(user, 'GET', path);
    expect(r.status).toBe(200);
    expect(r.body.type).toBe('Collection');
    return r.body.member as string[];
  };

  beforeAll(async () => {
    h = await startDrugTrace();
    await seedMasterData(h);
    const doc = epcisDocument([commission(['W1', 'W2'], 0), ship([sgtin('W1')], 1, GLN.maker, GLN.distributor)]);
    expect((await h.call('maker', 'POST', '/capture', doc)).status).toBe(202);
  });
  afterAll(() => h?.close());

  it('lists the event types; each has an events sub-resource; an unknown one is a 404', async () => {
    expect(await members('pharmacy', '/eventTypes')).toContain('AggregationEvent');
    expect(await members('pharmacy', '/eventTypes/ObjectEvent')).toEqual(['events']);
    expect((await h.call('pharmacy', 'GET', '/eventTypes/NoSuchEvent')).status).toBe(404);
    const r = await h.call('maker', 'GET', '/eventTypes/ObjectEvent/events');
    expect(r.body.epcisBody.queryResults.resultsBody.eventList).toHaveLength(2);
    expect(
      (await h.call('maker', 'GET', '/eventTypes/AggregationEvent/events')).body.epcisBody.queryResults.resultsBody
        .eventList,
    ).toEqual([]);
  });

  it('a party sees the steps, sites and EPCs of its own events only; an overseer sees all', async () => {
    expect(await members('maker', '/bizSteps')).toEqual(['commissioning', 'shipping']);
    expect(await members('distributor', '/bizSteps')).toEqual(['shipping']); // it was the shipment's destination
    expect(await members('pharmacy', '/bizSteps')).toEqual([]);
    expect(await members('pharmacy', '/epcs')).toEqual([]);
    expect(await members('pharmacy', '/bizLocations')).toEqual([]);
    expect(await members('maker', '/bizLocations')).toEqual([`https://id.gs1.org/414/${GLN.maker}`]);
    expect(await members('maker', '/dispositions')).toEqual(['active', 'in_transit']);
    expect(await members('auditor', '/epcs')).toEqual([dl('W1'), dl('W2')]);
    expect(await members('distributor', '/epcs')).toEqual([dl('W1')]);
  });

  it('a value is a resource with its events only for a party whose events name it (404 for the others)', async () => {
    expect(await members('maker', '/bizSteps/shipping')).toEqual(['events']);
    expect((await h.call('pharmacy', 'GET', '/bizSteps/shipping')).status).toBe(404);
    expect((await h.call('pharmacy', 'GET', '/bizSteps/shipping/events')).status).toBe(404);
    const loc = encodeURIComponent(sgln(GLN.maker));
    const events = await h.call('maker', 'GET', `/bizLocations/${loc}/events`);
    expect(events.body.epcisBody.queryResults.resultsBody.eventList.map((e: { bizStep: string }) => e.bizStep)).toEqual(
      ['commissioning', 'shipping'],
    );
    expect((await h.call('distributor', 'GET', `/epcs/${encodeURIComponent(sgtin('W2'))}`)).status).toBe(404);
    expect(await members('distributor', `/epcs/${encodeURIComponent(sgtin('W1'))}`)).toEqual(['events']);
  });

  it('lists page with a Link to the next page', async () => {
    const first = await h.call('maker', 'GET', '/epcs?perPage=1');
    expect(first.body.member).toEqual([dl('W1')]);
    const next = /<([^>]+)>; rel="next"/.exec(first.headers.get('link') ?? '')?.[1];
    expect(next).toBeDefined();
    const second = await h.call('maker', 'GET', next!);
    expect(second.body.member).toEqual([dl('W2')]);
    expect(second.headers.get('link')).toBeNull();
    expect((await h.call('maker', 'GET', '/epcs?perPage=0')).status).toBe(400);
  });
});
