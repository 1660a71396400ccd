// Each anomaly rule raised on the real servers through the API, with its evidence, shown to the parties
// concerned and the auditors, and published (outbox) for notifications.
import { randomUUID } from 'node:crypto';
import {
  aggregate,
  commission,
  CONTROLLED_GTIN,
  epcisDocument,
  GLN,
  GTIN,
  receive,
  seedMasterData,
  sgln,
  sgtin,
  ship,
  SSCC,
  sscc,
  startDrugTrace,
  subjectFor,
  type App,
} from './harness.js';

describe('drug-trace anomaly engine (integration)', () => {
  let h: App;
  const rules = async (user: 'auditor' | 'pharmacy' | 'maker' = 'auditor') =>
    (await h.call(user, 'GET', '/alerts')).body.alerts as Array<{ rule: string; evidence: Record<string, unknown> }>;

  beforeAll(async () => {
    h = await startDrugTrace({ UHR_DRUG_TRACE_GUESSING_THRESHOLD: '3', UHR_DRUG_TRACE_ABUSE_PHARMACIES: '2' });
    await seedMasterData(h);
    const factory = epcisDocument([
      commission(['A1', 'A2', 'A3', 'A4'], 0),
      commission(['C1', 'C2'], 0, 'CLOT', '2029-06-30', CONTROLLED_GTIN),
      ship([sgtin('A1')], 1, GLN.maker, GLN.distributor),
      aggregate(sscc(SSCC[2]), [sgtin('A2'), sgtin('A3')], 1, GLN.maker),
      ship([sscc(SSCC[2])], 2, GLN.maker, GLN.distributor),
    ]);
    expect((await h.call('maker', 'POST', '/capture', factory)).status).toBe(202);
  });
  afterAll(() => h?.close());

  it('impossible travel and wrong receiver: shipped to Hamburg, received in Madrid an hour later', async () => {
    expect(
      (await h.call('pharmacy', 'POST', '/capture', epcisDocument([receive([sgtin('A1')], 2, GLN.farPharmacy)])))
        .status,
    ).toBe(202);
    const travel = (await rules()).find((a) => a.rule === 'impossible-travel');
    expect(travel?.evidence).toMatchObject({
      epc: 'https://id.gs1.org/01/09521234543213/21/A1',
      from: { gln: GLN.maker },
      to: { gln: GLN.farPharmacy },
    });
    expect(travel!.evidence.km as number).toBeGreaterThan(1800);
    expect((await rules()).map((a) => a.rule)).toContain('wrong-receiver');
    expect((await rules('pharmacy')).map((a) => a.rule)).toEqual(
      expect.arrayContaining(['impossible-travel', 'wrong-receiver']),
    );
  });

  it('a child seen apart from its case without an unpack', async () => {
    expect(
      (await h.call('distributor', 'POST', '/capture', epcisDocument([receive([sscc(SSCC[2])], 12, GLN.distributor)])))
        .status,
    ).toBe(202);
    const inspect = { ...receive([sgtin('A2')], 30, GLN.pharmacy), bizStep: 'inspecting' };
    expect((await h.call('pharmacy', 'POST', '/capture', epcisDocument([inspect]))).status).toBe(202);
    const alert = (await rules()).find((a) => a.rule === 'child-apart-from-parent');
    expect(alert?.evidence).toMatchObject({ parentSite: GLN.distributor, site: GLN.pharmacy });
  });

  it('clone suspicion: a pack destroyed twice (two different events)', async () => {
    const destroy = (hours: number) => ({
      ...receive([sgtin('A4')], hours, GLN.maker),
      bizStep: 'destroying',
      disposition: 'destroyed',
    });
    expect((await h.call('maker', 'POST', '/capture', epcisDocument([destroy(3)]))).status).toBe(202);
    expect((await h.call('maker', 'POST', '/capture', epcisDocument([destroy(4)]))).status).toBe(202);
    const clone = (await rules('maker')).find((a) => a.rule === 'clone-suspicion');
    expect(clone?.evidence).toMatchObject({ state: 'destroyed' });
  });

  it('serial guessing: unknown serials in a burst from one site (threshold 3)', async () => {
    for (const serial of ['G1', 'G2', 'G3']) {
      const r = await h.call('pharmacy', 'POST', '/verify', {
        identity: { gtin: GTIN, serial, lot: 'LOT1' },
        location: GLN.pharmacy,
      });
      expect(r.body.code).toBe('UNKNOWN_SERIAL');
    }
    const alert = (await rules()).find((a) => a.rule === 'serial-guessing');
    expect(alert?.evidence).toMatchObject({ site: GLN.pharmacy, count: 3 });
  });

  it('controlled-drug abuse: one patient, one scheduled substance, two pharmacies → the prescriber is told', async () => {
    const patient = randomUUID();
    const prescriber = await subjectFor('auditor');
    for (const [serial, location] of [
      ['C1', GLN.pharmacy],
      ['C2', GLN.farPharmacy],
    ] as const) {
      const r = await h.call('pharmacy', 'POST', '/packs/decommission', {
        identity: { gtin: CONTROLLED_GTIN, serial },
        to: 'supplied',
        location,
        patient,
        prescriber,
      });
      expect(r.status).toBe(200);
    }
    const alert = (await rules()).find((a) => a.rule === 'controlled-drug-abuse');
    expect(alert?.evidence).toMatchObject({
      patient,
      substance: 'oxycodone',
      pharmacies: [GLN.pharmacy, GLN.farPharmacy],
    });
    const [row] = await h.db.query(
      `select message from uhr_outbox where message->'payload'->>'rule' = 'controlled-drug-abuse'`,
    );
    expect(row.message.type).toBe('drug-trace.AnomalyDetected');
    expect(row.message.payload.partySubjects).toEqual(
      expect.arrayContaining([prescriber, await subjectFor('pharmacy')]),
    );
  });

  it('the same document sent twice at once is applied once: no false clone alert', async () => {
    expect((await h.call('maker', 'POST', '/capture', epcisDocument([commission(['DUP'], 50)]))).status).toBe(202);
    const before = (await rules()).length;
    const destroy = epcisDocument([
      { ...receive([sgtin('DUP')], 51, GLN.maker), bizStep: 'destroying', disposition: 'destroyed' },
    ]);
    const [a, b] = await Promise.all([
      h.call('maker', 'POST', '/capture', destroy),
      h.call('maker', 'POST', '/capture', destroy),
    ]);
    expect([a.status, b.status]).toEqual([202, 202]);
    expect(a.body.newEvents + b.body.newEvents).toBe(1);
    expect((await rules()).length).toBe(before);
  });

  it('two factories commissioning one serial at once: one pack, one clone alert', async () => {
    const before = (await rules()).filter((a) => a.rule === 'clone-suspicion').length;
    const [a, b] = await Promise.all([
      h.call('maker', 'POST', '/capture', epcisDocument([commission(['TWIN'], 60, 'LA')])),
      h.call('maker', 'POST', '/capture', epcisDocument([commission(['TWIN'], 61, 'LB')])),
    ]);
    expect([a.status, b.status]).toEqual([202, 202]);
    expect((await rules()).filter((x) => x.rule === 'clone-suspicion').length).toBe(before + 1);
  });

  it('good scans raise nothing: a clean shipment received where it was sent', async () => {
    const before = (await rules()).length;
    const doc = epcisDocument([
      commission(['OK1'], 40),
      ship([sgtin('OK1')], 41, GLN.maker, GLN.pharmacy),
      { ...receive([sgtin('OK1')], 45, GLN.pharmacy), readPoint: { id: sgln(GLN.pharmacy) } },
    ]);
    expect(
      (
        await h.call(
          'maker',
          'POST',
          '/capture',
          epcisDocument([doc.epcisBody.eventList[0], doc.epcisBody.eventList[1]]),
        )
      ).status,
    ).toBe(202);
    expect((await h.call('pharmacy', 'POST', '/capture', epcisDocument([doc.epcisBody.eventList[2]]))).status).toBe(
      202,
    );
    const v = await h.call('pharmacy', 'POST', '/verify', {
      identity: { gtin: GTIN, serial: 'OK1', lot: 'LOT1', expiry: '2029-12-31' },
      location: GLN.pharmacy,
    });
    expect(v.body.code).toBe('ACTIVE');
    expect((await rules()).length).toBe(before);
  });
});

describe('drug-trace alerts are de-duplicated: one per (rule, subject) in a window, counted (integration)', () => {
  let h: App;
  type AlertRow = { id: string; rule: string; subject: string; count: number; evidence: Record<string, unknown> };
  const alerts = async (user: 'auditor' | 'pharmacy' | 'distributor', rule: string) =>
    ((await h.call(user, 'GET', '/alerts')).body.alerts as AlertRow[]).filter((a) => a.rule === rule);
  const published = async (alertId: string) =>
    Number(
      (
        await h.db.query(`select count(*)::int as n from uhr_outbox where message->'payload'->>'alertId' = $1`, [
          alertId,
        ])
      )[0].n,
    );
  const guess = async (user: 'pharmacy' | 'distributor', location: string, n: number) => {
    for (let i = 0; i < n; i++) {
      const r = await h.call(user, 'POST', '/verify', {
        identity: { gtin: GTIN, serial: `GUESS${randomUUID().slice(0, 8)}`, lot: 'LOT1' },
        location,
      });
      expect(r.body.code).toBe('UNKNOWN_SERIAL');
    }
  };

  beforeAll(async () => {
    h = await startDrugTrace({ UHR_DRUG_TRACE_GUESSING_THRESHOLD: '2', UHR_DRUG_TRACE_ALERT_WINDOW_MS: '4000' });
    await seedMasterData(h);
    expect((await h.call('maker', 'POST', '/capture', epcisDocument([commission(['D1'], 0)]))).status).toBe(202);
  });
  afterAll(() => h?.close());

  it('three bursts of guessing from one site are one alert counted 3, published once', async () => {
    await guess('pharmacy', GLN.pharmacy, 6);
    const found = await alerts('auditor', 'serial-guessing');
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ subject: GLN.pharmacy, count: 3 });
    expect(await published(found[0]!.id)).toBe(1);
  });

  it('another site is another subject: its own alert, and neither party sees the other’s', async () => {
    await guess('distributor', GLN.distributor, 2);
    const all = await alerts('auditor', 'serial-guessing');
    expect(all.map((a) => [a.subject, a.count]).sort()).toEqual([
      [GLN.distributor, 1],
      [GLN.pharmacy, 3],
    ]);
    expect((await alerts('pharmacy', 'serial-guessing')).map((a) => a.subject)).toEqual([GLN.pharmacy]);
    expect((await alerts('distributor', 'serial-guessing')).map((a) => a.subject)).toEqual([GLN.distributor]);
  });

  it('a pack asked to be dispensed again and again: one clone-suspicion alert with the count', async () => {
    const pack = { identity: { gtin: GTIN, serial: 'D1' }, location: GLN.pharmacy };
    expect((await h.call('pharmacy', 'POST', '/packs/decommission', { ...pack, to: 'supplied' })).status).toBe(200);
    for (let i = 0; i < 3; i++)
      expect((await h.call('pharmacy', 'POST', '/packs/decommission', { ...pack, to: 'supplied' })).status).toBe(409);
    const clones = await alerts('pharmacy', 'clone-suspicion');
    expect(clones).toHaveLength(1);
    expect(clones[0]).toMatchObject({ subject: 'https://id.gs1.org/01/09521234543213/21/D1', count: 3 });
    expect(await published(clones[0]!.id)).toBe(1);
  });

  it('once the window has passed, the next burst is a new alert', async () => {
    await new Promise((r) => setTimeout(r, 4100));
    await guess('pharmacy', GLN.pharmacy, 2);
    const mine = await alerts('pharmacy', 'serial-guessing');
    expect(mine.map((a) => a.count)).toEqual([1, 3]); // newest first
    expect(await published(mine[0]!.id)).toBe(1);
  });
});
