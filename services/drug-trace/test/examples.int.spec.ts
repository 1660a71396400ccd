// The standard's own example documents (GS1 EPCIS 2.0, test/fixtures/epcis/examples) captured on the real
// servers, once the master data they name exists and their packs were commissioned.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { epcisDocument, startDrugTrace, subjectFor, type App } from './harness.js';

const dir = join(import.meta.dirname, 'fixtures/epcis/examples');
const example = (name: string) => JSON.parse(readFileSync(join(dir, `${name}.jsonld`), 'utf8'));
const eventsOf = (r: { body: any }) =>
  r.body.epcisBody.queryResults.resultsBody.eventList as Array<Record<string, unknown>>;

// The examples' prefixes, GTINs and GLNs (check digits computed by hand).
const MAKERS = [
  { gln: '0614141000005', companyPrefix: '0614141' },
  { gln: '9520001000003', companyPrefix: '9520001' },
];
const GTINS = ['10614141073464', '70614141123451', '09520001123467'];
const SITES = [
  '0614141073467',
  '0012345111112',
  '0614141007776',
  '0614141008889',
  '0614141000012',
  '4012345000016',
  '4012345002256',
  '9529999999993',
];

describe('the EPCIS 2.0 standard examples (integration)', () => {
  let h: App;
  beforeAll(async () => {
    h = await startDrugTrace();
    const party = await h.call('admin', 'POST', '/parties', {
      subject: await subjectFor('maker'),
      role: 'manufacturer',
      name: 'Example Corp',
    });
    for (const m of MAKERS)
      expect(
        (await h.call('admin', 'POST', '/manufacturers', { ...m, partyId: party.body.id, name: 'Example' })).status,
      ).toBe(201);
    for (const [i, gtin] of GTINS.entries())
      expect(
        (
          await h.call('maker', 'POST', '/products', {
            gtin,
            manufacturerGln: MAKERS[i === 2 ? 1 : 0]!.gln,
            name: `p${i}`,
            strength: '1',
          })
        ).status,
      ).toBe(201);
    for (const gln of SITES)
      expect((await h.call('maker', 'POST', '/locations', { gln, name: gln, latitude: 50, longitude: 8 })).status).toBe(
        201,
      );
    const serials = [
      ...['2017', '2018'].map((s) => `urn:epc:id:sgtin:0614141.107346.${s}`),
      ...['2017', '2018'].map((s) => `https://id.gs1.org/01/70614141123451/21/${s}`),
      ...Array.from({ length: 10 }, (_, i) => `urn:epc:id:sgtin:9520001.012346.${10000001001 + i}`),
    ];
    const commissioning = {
      type: 'ObjectEvent',
      eventTime: '2005-01-01T00:00:00Z',
      eventTimeZoneOffset: '+00:00',
      epcList: serials,
      action: 'ADD',
      bizStep: 'commissioning',
      readPoint: { id: 'urn:epc:id:sgln:0614141.07346.0' },
      ilmd: { 'cbvmda:lotNumber': 'EX1', 'cbvmda:itemExpirationDate': '2030-12-31' },
    };
    expect((await h.call('maker', 'POST', '/capture', epcisDocument([commissioning]))).status).toBe(202);
  });
  afterAll(() => h?.close());

  it.each([
    ['Example_9.6.1-ObjectEvent', 2],
    ['Example_9.6.1-ObjectEventWithDigitalLink', 2],
    ['Example_9.6.2-ObjectEvent', 1],
    ['Example_9.6.3-AggregationEvent', 1],
    ['PersistentDisposition-example', 2],
  ])('captures %s (%d new events)', async (name, n) => {
    const r = await h.call('maker', 'POST', '/capture', example(name));
    expect(r.status).toBe(202);
    expect(r.body).toMatchObject({ success: true, newEvents: n });
  });

  it('the error-declaration example corrects the 9.6.1 shipment without mutating it', async () => {
    const r = await h.call('maker', 'POST', '/capture', example('Example_9.6.1-ObjectEvent-with-error-declaration'));
    expect(r.body).toMatchObject({ success: true, newEvents: 0 });
    const shipped = eventsOf(
      await h.call(
        'maker',
        'GET',
        `/events?EQ_bizStep=shipping&MATCH_epc=${encodeURIComponent('urn:epc:id:sgtin:0614141.107346.2017')}`,
      ),
    );
    expect(shipped).toHaveLength(1);
    expect(shipped[0]!.errorDeclaration).toMatchObject({ reason: 'incorrect_data' });
    expect(shipped[0]!.bizStep).toBe('shipping');
  });

  it('the standard’s query parameters over them: MATCH_epc on a URN and on its Digital Link alike', async () => {
    const byUrn = eventsOf(
      await h.call('maker', 'GET', `/events?MATCH_epc=${encodeURIComponent('urn:epc:id:sgtin:0614141.107346.2018')}`),
    );
    const byDl = eventsOf(
      await h.call(
        'maker',
        'GET',
        `/events?MATCH_epc=${encodeURIComponent('https://id.gs1.org/01/10614141073464/21/2018')}`,
      ),
    );
    expect(byUrn.map((e) => e.eventID)).toEqual(byDl.map((e) => e.eventID));
    expect(byUrn.map((e) => e.type)).toEqual(['ObjectEvent', 'ObjectEvent', 'ObjectEvent', 'AggregationEvent']);
    const at888 = eventsOf(
      await h.call('maker', 'GET', `/events?EQ_bizLocation=${encodeURIComponent('urn:epc:id:sgln:0614141.00888.0')}`),
    );
    expect(at888.map((e) => e.type)).toEqual(['ObjectEvent', 'AggregationEvent']);
  });

  it('refuses the transformation example: its outputs carry no lot and expiry, and its inputs are unknown here', async () => {
    const r = await h.call('maker', 'POST', '/capture', example('Example_9.6.4-TransformationEvent'));
    expect(r.status).toBe(422);
  });
});
