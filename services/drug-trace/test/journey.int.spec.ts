// A pack's journey on the real servers: commissioned and packed into a case at the factory, shipped to the
// distributor's warehouse, shipped on to a pharmacy, received, unpacked, verified, dispensed; then a recall.
import { waitFor } from '@uhr/platform/testing';
import { EVENTS_ANCHORER } from '../src/anchoring/anchorers.js';
import { ExpirySweep } from '../src/packs/expiry-sweep.js';
import type { StreamAnchorer } from '@uhr/platform';
import {
  aggregate,
  at,
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

describe('drug-trace journey (integration)', () => {
  let h: App;
  const CASE = sscc(SSCC[0]);
  const packs = ['J1', 'J2', 'J3'];
  const factory = epcisDocument([
    commission(packs, 0),
    aggregate(
      CASE,
      packs.map((s) => sgtin(s)),
      1,
      GLN.maker,
    ),
    ship([CASE], 2, GLN.maker, GLN.distributor),
  ]);

  beforeAll(async () => {
    h = await startDrugTrace();
    await seedMasterData(h);
  });
  afterAll(() => h?.close());

  it('captures the factory document: 202, a capture job, each event once', async () => {
    const r = await h.call('maker', 'POST', '/capture', factory);
    expect(r.status).toBe(202);
    expect(r.headers.get('location')).toBe(`/capture/${r.body.captureID}`);
    expect(r.body).toMatchObject({ success: true, running: false, eventCount: 3, newEvents: 3 });
    const job = await h.call('maker', 'GET', `/capture/${r.body.captureID}`);
    expect(job.body).toMatchObject({ success: true, newEvents: 3 });
  });

  it('capturing the same document again stores nothing new (the CBV hash is the identity)', async () => {
    const r = await h.call('maker', 'POST', '/capture', factory);
    expect(r.body).toMatchObject({ eventCount: 3, newEvents: 0 });
    // MATCH_epc matches the EPCs an event names (the shipment names the case, not the pack)…
    const named = await h.call('maker', 'GET', `/events?MATCH_epc=${encodeURIComponent(sgtin('J1'))}`);
    expect(named.body.epcisBody.queryResults.resultsBody.eventList).toHaveLength(2);
    // …the pack's history also has what happened to the case it was in.
    const history = await h.call('maker', 'GET', `/epcs/${encodeURIComponent(sgtin('J1'))}/events`);
    expect(history.body.epcisBody.queryResults.resultsBody.eventList).toHaveLength(3);
  });

  it('receiving the case at the warehouse receives its packs; shipping on and receipt at the pharmacy', async () => {
    const wh = await h.call(
      'distributor',
      'POST',
      '/capture',
      epcisDocument([receive([CASE], 5, GLN.distributor), ship([CASE], 6, GLN.distributor, GLN.pharmacy)]),
    );
    expect(wh.status).toBe(202);
    const ph = await h.call(
      'pharmacy',
      'POST',
      '/capture',
      epcisDocument([receive([CASE], 9, GLN.pharmacy), aggregate(CASE, [], 10, GLN.pharmacy, 'DELETE')]),
    );
    expect(ph.status).toBe(202);
    const pack = await h.call('pharmacy', 'GET', `/packs/${GTIN}/J2`);
    expect(pack.body).toMatchObject({ state: 'active', location: GLN.pharmacy, parent: null, lot: 'LOT1' });
    const alerts = await h.call('auditor', 'GET', '/alerts');
    expect(alerts.body.alerts).toEqual([]);
  });

  it('the pharmacy sees the history it took part in, filtered by the standard parameters', async () => {
    const mine = await h.call('pharmacy', 'GET', `/epcs/${encodeURIComponent(sgtin('J1'))}/events`);
    const steps = mine.body.epcisBody.queryResults.resultsBody.eventList.map((e: { bizStep: string }) => e.bizStep);
    // The distributor's shipment names the pharmacy as destination; receiving and unpacking happened there.
    expect(steps).toEqual(['shipping', 'receiving', 'unpacking']);
    const receipts = await h.call(
      'auditor',
      'GET',
      `/events?EQ_bizStep=receiving&GE_eventTime=2027-01-01T06:00:00Z&LT_eventTime=2027-01-02T00:00:00Z`,
    );
    expect(receipts.body.epcisBody.queryResults.resultsBody.eventList).toHaveLength(1);
    const paged = await h.call('auditor', 'GET', '/events?perPage=2');
    expect(paged.body.epcisBody.queryResults.resultsBody.eventList).toHaveLength(2);
    const next = /<([^>]+)>; rel="next"/.exec(paged.headers.get('link') ?? '')![1]!;
    const page2 = await h.call('auditor', 'GET', next);
    expect(page2.body.epcisBody.queryResults.resultsBody.eventList).toHaveLength(2);
  });

  it('verifies at the counter, dispenses once, refuses a second dispense naming the state', async () => {
    const ok = await h.call('pharmacy', 'POST', '/verify', {
      identity: { gtin: GTIN, serial: 'J1', lot: 'LOT1', expiry: '2029-12-31' },
      location: GLN.pharmacy,
    });
    expect(ok.body).toMatchObject({ sellable: true, code: 'ACTIVE', product: { name: 'Paracetamol 500 mg' } });
    const scan = await h.call('pharmacy', 'POST', '/verify', { scan: `]d2\x1d01${GTIN}17291231\x1d10LOT9\x1d21J1` });
    expect(scan.body).toMatchObject({ sellable: false, code: 'BATCH_MISMATCH', emvsAlert: 'A68' });
    const unknown = await h.call('pharmacy', 'POST', '/verify', {
      identity: { gtin: GTIN, serial: 'NOPE', lot: 'LOT1' },
    });
    expect(unknown.body).toMatchObject({ code: 'UNKNOWN_SERIAL', emvsAlert: 'A3' });
    const d = await h.call('pharmacy', 'POST', '/packs/decommission', {
      identity: { gtin: GTIN, serial: 'J1' },
      to: 'supplied',
      location: GLN.pharmacy,
    });
    expect(d.status).toBe(200);
    expect(d.body).toMatchObject({ state: 'supplied' });
    const again = await h.call('pharmacy', 'POST', '/packs/decommission', {
      identity: { gtin: GTIN, serial: 'J1' },
      to: 'destroyed',
      location: GLN.pharmacy,
    });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ error: 'PackStateRefused', details: { state: 'supplied', code: 'A24' } });
    const after = await h.call('pharmacy', 'POST', '/verify', { identity: { gtin: GTIN, serial: 'J1' } });
    expect(after.body).toMatchObject({ sellable: false, code: 'ALREADY_DECOMMISSIONED', state: 'supplied' });
    const alerts = await h.call('pharmacy', 'GET', '/alerts');
    expect(alerts.body.alerts.map((a: { rule: string }) => a.rule)).toContain('clone-suspicion');
  });

  it('bulk verify: one verdict each in order, a parse error in place, an unknown serial of a known lot is A3', async () => {
    const items = [
      { identity: { gtin: GTIN, serial: 'J2', lot: 'LOT1' } },
      { scan: '(01)09521234543214(21)J2' },
      { identity: { gtin: GTIN, serial: 'NOSUCH', lot: 'LOT1' } },
      { identity: { gtin: GTIN, serial: 'NOSUCH', lot: 'NOLOT' } },
    ];
    const r = await h.call('pharmacy', 'POST', '/verify/bulk', { items, location: GLN.pharmacy });
    expect(r.status).toBe(200);
    expect(
      r.body.results.map((x: { code?: string; parseError?: { rule: string } }) => x.code ?? x.parseError!.rule),
    ).toEqual(['ACTIVE', 'check-digit', 'UNKNOWN_SERIAL', 'UNKNOWN_BATCH']);
  });

  it('undoes a dispense at the same pharmacy; the outcome is anchored and proven to its party only', async () => {
    const d = await h.call('pharmacy', 'POST', '/packs/decommission', {
      identity: { gtin: GTIN, serial: 'J3' },
      to: 'supplied',
      location: GLN.pharmacy,
    });
    expect(d.body.state).toBe('supplied');
    const u = await h.call('pharmacy', 'POST', '/packs/undo', {
      identity: { gtin: GTIN, serial: 'J3' },
      location: GLN.pharmacy,
    });
    expect(u.status).toBe(200);
    expect(u.body.state).toBe('active');
    const proof = await waitFor(
      'the undo outcome confirmed',
      async () => {
        const p = await h.call('pharmacy', 'GET', `/outcomes/${u.body.outcomeEntry}/proof`);
        return p.body.verifiedOnChain ? p.body : undefined;
      },
      { timeoutMs: 60_000 },
    );
    expect(proof).toMatchObject({ kind: 'undo', gtin: GTIN, serial: 'J3', status: 'confirmed' });
    expect((await h.call('distributor', 'GET', `/outcomes/${u.body.outcomeEntry}/proof`)).status).toBe(404);
  });

  it('gives the dispensing pharmacy the pack’s custody chain, factory to patient; nobody else', async () => {
    const r = await h.call('pharmacy', 'GET', `/packs/${GTIN}/J1/custody`);
    expect(r.status).toBe(200);
    expect(r.body.chain.map((c: { step: string; party: string }) => `${c.step}@${c.party}`)).toEqual([
      'commissioning@maker ltd',
      'packing@maker ltd',
      'shipping@maker ltd',
      'receiving@distributor ltd',
      'shipping@distributor ltd',
      'receiving@pharmacy ltd',
      'unpacking@pharmacy ltd',
      'supplied@pharmacy ltd',
    ]);
    expect((await h.call('distributor', 'GET', `/packs/${GTIN}/J1/custody`)).status).toBe(404);
  });

  it('answers the GS1 Lightweight Verification (DSCSA VRS) request', async () => {
    const q = '?17=291231&linkType=gs1:verificationService&corrUUID=7f1e0e2a-0000-4000-8000-000000000001';
    const good = await h.call('distributor', 'GET', `/01/${GTIN}/10/LOT1/21/J2${q}`);
    expect(good.status).toBe(200);
    expect(good.body).toMatchObject({
      responderGLN: GLN.maker,
      corrUUID: '7f1e0e2a-0000-4000-8000-000000000001',
      data: { verified: true },
    });
    const wrongLot = await h.call('distributor', 'GET', `/01/${GTIN}/10/LOT2/21/J2${q}`);
    expect(wrongLot.body.data).toEqual({ verified: false, verificationFailureReason: 'No_match_GTIN_Serial_Lot' });
  });

  it('recalls the lot: packs become recalled, verify says so, the report shows where they are', async () => {
    const r = await h.call('maker', 'POST', '/recalls', { gtin: GTIN, lot: 'LOT1', reason: 'contamination' });
    expect(r.status).toBe(201);
    const v = await h.call('pharmacy', 'POST', '/verify', { identity: { gtin: GTIN, serial: 'J2' } });
    expect(v.body).toMatchObject({ sellable: false, code: 'RECALLED' });
    const report = await h.call('maker', 'GET', `/recalls/${r.body.id}/report`);
    expect(report.body).toMatchObject({ packsAffected: 3, dispensed: 1, byState: { recalled: 2, supplied: 1 } });
    expect(report.body.whereabouts).toEqual([expect.objectContaining({ location: GLN.pharmacy, packs: 2 })]);
    const outbox = await h.db.query(`select message from uhr_outbox where topic = 'uhr.drug-trace.recall.v1'`);
    expect(outbox[0].message.payload.custodianSubjects).toHaveLength(1);
  });

  it('anchors every captured event: the proof of the commissioning event is accepted by Anchors.verify', async () => {
    const list = await h.call('maker', 'GET', '/events?EQ_bizStep=commissioning');
    const id = list.body.epcisBody.queryResults.resultsBody.eventList[0].eventID as string;
    const [row] = await h.db.query('select anchor_entry from epcis_events where hash = $1', [id]);
    await h.app.get<StreamAnchorer>(EVENTS_ANCHORER).waitConfirmed([row.anchor_entry], 60_000);
    const proof = await waitFor('a verified proof', async () => {
      const p = await h.call('maker', 'GET', `/events/${encodeURIComponent(id)}/proof`);
      return p.body.verifiedOnChain ? p.body : undefined;
    });
    expect(proof).toMatchObject({
      eventID: id,
      status: 'confirmed',
      dataHash: `0x${/sha-256;([0-9a-f]+)/.exec(id)![1]}`,
    });
  });

  it('reconciles a shipment with its receipt under one despatch advice: missing and unexpected packs', async () => {
    const desadv = [{ type: 'desadv', bizTransaction: 'urn:epcglobal:cbv:bt:9521234000006:DA-1' }];
    const shipment = { ...ship([sgtin('K1'), sgtin('K2')], 21, GLN.maker, GLN.pharmacy), bizTransactionList: desadv };
    expect(
      (await h.call('maker', 'POST', '/capture', epcisDocument([commission(['K1', 'K2', 'K3'], 20), shipment]))).status,
    ).toBe(202);
    const receipt = { ...receive([sgtin('K1'), sgtin('K3')], 23, GLN.pharmacy), bizTransactionList: desadv };
    expect((await h.call('pharmacy', 'POST', '/capture', epcisDocument([receipt]))).status).toBe(202);
    const q = `/shipments/reconciliation?bizTransaction=${encodeURIComponent(desadv[0]!.bizTransaction)}`;
    const r = await h.call('pharmacy', 'GET', q);
    expect(r.body).toMatchObject({
      shipped: 2,
      received: 2,
      missing: ['https://id.gs1.org/01/09521234543213/21/K2'],
      unexpected: ['https://id.gs1.org/01/09521234543213/21/K3'],
      complete: false,
    });
    expect((await h.call('distributor', 'GET', q)).status).toBe(404);
  });

  it('reconciles class-level amounts too: a case’s childQuantityList and the events’ quantityList, short by 5', async () => {
    const desadv = [{ type: 'desadv', bizTransaction: 'urn:epcglobal:cbv:bt:9521234000006:DA-2' }];
    const bulk = 'urn:epc:class:lgtin:9521234.054321.BULK';
    const crate = sscc(SSCC[2]);
    const packing = {
      ...aggregate(crate, [], 24, GLN.maker),
      childQuantityList: [{ epcClass: bulk, quantity: 100 }],
    };
    const shipment = {
      ...ship([crate], 25, GLN.maker, GLN.pharmacy),
      quantityList: [{ epcClass: bulk, quantity: 20 }],
      bizTransactionList: desadv,
    };
    expect((await h.call('maker', 'POST', '/capture', epcisDocument([packing, shipment]))).status).toBe(202);
    const receipt = {
      ...receive([crate], 27, GLN.pharmacy),
      quantityList: [{ epcClass: bulk, quantity: 15 }],
      bizTransactionList: desadv,
    };
    expect((await h.call('pharmacy', 'POST', '/capture', epcisDocument([receipt]))).status).toBe(202);
    const q = `/shipments/reconciliation?bizTransaction=${encodeURIComponent(desadv[0]!.bizTransaction)}`;
    const r = await h.call('pharmacy', 'GET', q);
    expect(r.body).toMatchObject({ missing: [], unexpected: [], complete: false });
    expect(r.body.quantities).toEqual([
      {
        epcClass: 'https://id.gs1.org/01/09521234543213/10/BULK',
        uom: null,
        shipped: 120,
        received: 115,
        difference: -5,
      },
    ]);
    // A second receipt of the missing 5 completes it; the case's 100 are counted once however often it is seen.
    const rest = { ...receipt, eventTime: at(28), epcList: [], quantityList: [{ epcClass: bulk, quantity: 5 }] };
    const again = { ...receive([crate], 29, GLN.pharmacy), bizTransactionList: desadv };
    expect((await h.call('pharmacy', 'POST', '/capture', epcisDocument([rest, again]))).status).toBe(202);
    const done = (await h.call('pharmacy', 'GET', q)).body;
    expect(done.quantities[0]).toMatchObject({ shipped: 120, received: 120, difference: 0 });
    expect(done.complete).toBe(true);
    // The maker took no part in the pharmacy's receipts: it sees its shipment only (received 0), never their events.
    expect((await h.call('maker', 'GET', q)).body.quantities[0]).toMatchObject({ shipped: 120, received: 0 });
    expect((await h.call('distributor', 'GET', q)).status).toBe(404);
  });

  it('unpacking part of a case’s amount leaves the rest in it', async () => {
    const bulk = 'urn:epc:class:lgtin:9521234.054321.PART';
    const box = sscc(SSCC[1]);
    const doc = epcisDocument([
      { ...aggregate(box, [], 31, GLN.maker), childQuantityList: [{ epcClass: bulk, quantity: 50, uom: 'EA' }] },
      {
        ...aggregate(box, [], 32, GLN.maker, 'DELETE'),
        childQuantityList: [{ epcClass: bulk, quantity: 30, uom: 'EA' }],
      },
    ]);
    expect((await h.call('maker', 'POST', '/capture', doc)).status).toBe(202);
    const [row] = await h.db.query('select quantities from containers where sscc = $1', [
      `https://id.gs1.org/00/${SSCC[1]}`,
    ]);
    expect(row.quantities).toEqual([
      { epcClass: 'https://id.gs1.org/01/09521234543213/10/PART', quantity: 20, uom: 'EA' },
    ]);
  });

  it('an active pack past its expiry becomes expired (final): verify says so and a dispense is refused', async () => {
    expect(
      (await h.call('maker', 'POST', '/capture', epcisDocument([commission(['OLD'], 30, 'OLDLOT', '2020-01-31')])))
        .status,
    ).toBe(202);
    expect(await h.app.get(ExpirySweep).runNow()).toBeGreaterThanOrEqual(1);
    expect((await h.call('maker', 'GET', `/packs/${GTIN}/OLD`)).body.state).toBe('expired');
    const v = await h.call('maker', 'POST', '/verify', { identity: { gtin: GTIN, serial: 'OLD' } });
    expect(v.body).toMatchObject({ code: 'EXPIRED', sellable: false });
    const d = await h.call('maker', 'POST', '/packs/decommission', {
      identity: { gtin: GTIN, serial: 'OLD' },
      to: 'destroyed',
      location: GLN.maker,
    });
    expect(d.status).toBe(409);
    expect(d.body.details.state).toBe('expired');
  });
});
