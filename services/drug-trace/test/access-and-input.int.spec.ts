// Every endpoint family refuses another party's data (BOLA) and bad input with a 4xx naming field and rule,
// never a 500, never a partial capture.
import {
  aggregate,
  commission,
  epcisDocument,
  GLN,
  GTIN,
  receive,
  seedMasterData,
  sgtin,
  ship,
  SSCC,
  sscc,
  startDrugTrace,
  type App,
} from './harness.js';

describe('drug-trace access control and bad input (integration)', () => {
  let h: App;
  let makerJob: string;
  let makerEvent: string;

  beforeAll(async () => {
    h = await startDrugTrace({ UHR_DRUG_TRACE_CAPTURE_MAX_EVENTS: '50' });
    await seedMasterData(h);
    const r = await h.call(
      'maker',
      'POST',
      '/capture',
      epcisDocument([commission(['B1', 'B2'], 0), aggregate(sscc(SSCC[1]), [sgtin('B1')], 1, GLN.maker)]),
    );
    expect(r.status).toBe(202);
    makerJob = r.body.captureID;
    const list = await h.call('maker', 'GET', '/events');
    makerEvent = list.body.epcisBody.queryResults.resultsBody.eventList[0].eventID;
  });
  afterAll(() => h?.close());

  describe('BOLA', () => {
    it('a pharmacy sees none of the factory’s events, by query, by id, by EPC or by capture job', async () => {
      const events = await h.call('pharmacy', 'GET', '/events');
      expect(events.body.epcisBody.queryResults.resultsBody.eventList).toEqual([]);
      expect((await h.call('pharmacy', 'GET', `/events/${encodeURIComponent(makerEvent)}`)).status).toBe(404);
      expect((await h.call('pharmacy', 'GET', `/events/${encodeURIComponent(makerEvent)}/proof`)).status).toBe(404);
      const history = await h.call('pharmacy', 'GET', `/epcs/${encodeURIComponent(sgtin('B1'))}/events`);
      expect(history.body.epcisBody.queryResults.resultsBody.eventList).toEqual([]);
      expect((await h.call('pharmacy', 'GET', `/capture/${makerJob}`)).status).toBe(404);
      expect((await h.call('maker', 'GET', `/events/${encodeURIComponent(makerEvent)}`)).status).toBe(200);
    });

    it('a party cannot capture events at another party’s site', async () => {
      const r = await h.call(
        'pharmacy',
        'POST',
        '/capture',
        epcisDocument([receive([sgtin('B2')], 3, GLN.distributor)]),
      );
      expect(r.status).toBe(403);
      expect(r.body.error).toBe('NotYourSite');
    });

    it('a pack’s state is for its custodian, not for another party', async () => {
      expect((await h.call('maker', 'GET', `/packs/${GTIN}/B1`)).status).toBe(200);
      expect((await h.call('pharmacy', 'GET', `/packs/${GTIN}/B1`)).status).toBe(404);
    });

    it('only the product’s manufacturer recalls it or reads the report; roles are enforced', async () => {
      expect((await h.call('distributor', 'POST', '/recalls', { gtin: GTIN, reason: 'x' })).status).toBe(403);
      expect(
        (
          await h.call('distributor', 'POST', '/products', {
            gtin: GTIN,
            manufacturerGln: GLN.maker,
            name: 'x',
            strength: 'x',
          })
        ).status,
      ).toBe(403);
      expect((await h.call('maker', 'POST', '/parties', { subject: 'x', role: 'pharmacist', name: 'x' })).status).toBe(
        403,
      );
    });

    it('a party decommissions only at its own site', async () => {
      const r = await h.call('pharmacy', 'POST', '/packs/decommission', {
        identity: { gtin: GTIN, serial: 'B2' },
        to: 'supplied',
        location: GLN.maker,
      });
      expect(r.status).toBe(403);
    });

    it('a login without a registered party is refused, and no token is 401', async () => {
      expect((await h.call('auditor', 'POST', '/verify', { identity: { gtin: GTIN, serial: 'B1' } })).status).toBe(403);
      expect((await fetch(`${h.url}/events`)).status).toBe(401);
    });
  });

  describe('bad input', () => {
    it('a schema-invalid document is a 400 naming the pointer and keyword', async () => {
      const bad = epcisDocument([{ ...commission(['X1'], 0), action: 'CREATE' }]);
      const r = await h.call('maker', 'POST', '/capture', bad);
      expect(r.status).toBe(400);
      expect(r.body.details.problems).toContainEqual(
        expect.objectContaining({ field: '/epcisBody/eventList/0/action', rule: 'enum' }),
      );
    });

    it('an unknown GTIN or GLN is a 422 naming the event, and nothing is stored', async () => {
      const unknownGtin = commission(['X1'], 0, 'L', '2029-01-01', '09521234543237');
      const r = await h.call('maker', 'POST', '/capture', epcisDocument([commission(['X2'], 0), unknownGtin]));
      expect(r.status).toBe(422);
      expect(r.body.details.problems).toContainEqual(
        expect.objectContaining({ field: '/epcisBody/eventList/1', rule: 'unknown-gtin' }),
      );
      const unknownGln = {
        ...receive([sgtin('B2')], 2, GLN.maker),
        bizLocation: { id: 'urn:epc:id:sgln:9521234.00099.0' },
      };
      expect((await h.call('maker', 'POST', '/capture', epcisDocument([unknownGln]))).status).toBe(422);
      expect((await h.call('maker', 'GET', `/packs/${GTIN}/X2`)).status).toBe(404);
    });

    it('an event out of order (a pack never commissioned) refuses the whole document: no partial capture', async () => {
      const doc = epcisDocument([commission(['X3'], 0), ship([sgtin('NEVER')], 1, GLN.maker, GLN.distributor)]);
      const r = await h.call('maker', 'POST', '/capture', doc);
      expect(r.status).toBe(422);
      expect(r.body.details.problems[0]).toMatchObject({ field: '/epcisBody/eventList/1', rule: 'not-commissioned' });
      expect((await h.call('maker', 'GET', `/packs/${GTIN}/X3`)).status).toBe(404);
      const [{ n }] = await h.db.query(`select count(*)::int as n from epcis_events`);
      expect(n).toBe(2);
    });

    it('commissioning without ILMD lot and expiry is a 422 naming /ilmd', async () => {
      const { ilmd: _, ...noIlmd } = commission(['X4'], 0);
      const r = await h.call('maker', 'POST', '/capture', epcisDocument([noIlmd]));
      expect(r.status).toBe(422);
      expect(r.body.details.problems[0]).toMatchObject({ field: '/epcisBody/eventList/0/ilmd', rule: 'ilmd-required' });
    });

    it('more events than the stated limit is a 422; a body over 16 MB a 413', async () => {
      const many = Array.from({ length: 51 }, (_, i) => commission([`M${i}`], 0));
      const r = await h.call('maker', 'POST', '/capture', epcisDocument(many));
      expect(r.status).toBe(422);
      expect(r.body.error).toBe('TooManyEvents');
      const huge = await h.call('maker', 'POST', '/capture', JSON.stringify({ pad: 'x'.repeat(17 * 1024 * 1024) }));
      expect(huge.status).toBe(413);
    });

    it('a malformed scan is a 422 naming the AI and the rule, not a verdict', async () => {
      const r = await h.call('pharmacy', 'POST', '/verify', { scan: '(01)09521234543214(21)S1' });
      expect(r.status).toBe(422);
      expect(r.body).toMatchObject({ error: 'ScanParseError', details: { ai: '01', rule: 'check-digit' } });
      const both = await h.call('pharmacy', 'POST', '/verify', {
        scan: '(01)09521234543213(21)S1',
        identity: { gtin: GTIN, serial: 'S1' },
      });
      expect(both.status).toBe(400);
    });

    it('bad query parameters and bulk sizes are 400s naming the field', async () => {
      const r = await h.call('maker', 'GET', '/events?GE_eventTime=yesterday');
      expect(r.status).toBe(400);
      expect(Object.keys(r.body.fields)).toContain('GE_eventTime');
      expect((await h.call('maker', 'GET', '/events?EQ_colour=red')).status).toBe(400);
      const items = Array.from({ length: 1001 }, () => ({ identity: { gtin: GTIN, serial: 'B1' } }));
      const bulk = await h.call('pharmacy', 'POST', '/verify/bulk', { items });
      expect(bulk.status).toBe(400);
      expect(Object.keys(bulk.body.fields)).toContain('items');
    });

    it('a VRS request without the verification link type is a 400', async () => {
      expect((await h.call('distributor', 'GET', `/01/${GTIN}/10/LOT1/21/B1`)).status).toBe(400);
    });
  });
});
