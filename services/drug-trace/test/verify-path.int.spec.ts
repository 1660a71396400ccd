// The verify hot path on the real servers: lookups arriving together share one statement and each still gets
// its own answer; the hand-checked body answers 400s naming the field like the ValidationPipe does.
import { PackRepository } from '../src/packs/pack.repository.js';
import { commission, epcisDocument, GTIN, seedMasterData, startDrugTrace, type App } from './harness.js';

describe('drug-trace verify path (integration)', () => {
  let h: App;
  beforeAll(async () => {
    h = await startDrugTrace();
    await seedMasterData(h);
    const doc = epcisDocument([commission(['V1', 'V2'], 0, 'LOTA'), commission(['V3'], 0, 'LOTB', '2030-06-30')]);
    expect((await h.call('maker', 'POST', '/capture', doc)).status).toBe(202);
  });
  afterAll(() => h?.close());

  it('lookups in one turn of the event loop are one batch, each answered with its own pack', async () => {
    const packs = h.app.get(PackRepository);
    const asks: Array<[string, string | null]> = [
      ['V1', null],
      ['V3', null],
      ['NOPE', 'LOTA'], // unknown serial of a known lot
      ['NOPE', 'LOTZ'], // unknown lot
      ['V2', 'LOTZ'], // found: whether the lot exists is not asked
      ['V2', null],
    ];
    const answers = await Promise.all(asks.map(([serial, lot]) => packs.lookup(GTIN, serial, lot)));
    expect(
      answers.map((a) => [a.pack?.serial ?? null, a.pack?.lot ?? null, a.pack?.expiry ?? null, a.lotKnown]),
    ).toEqual([
      ['V1', 'LOTA', '2029-12-31', false],
      ['V3', 'LOTB', '2030-06-30', false],
      [null, null, null, true],
      [null, null, null, false],
      ['V2', 'LOTA', '2029-12-31', false],
      ['V2', 'LOTA', '2029-12-31', false],
    ]);
  });

  it('a batch larger than the most one statement carries is split, answers still in order', async () => {
    const packs = h.app.get(PackRepository);
    const max = PackRepository.maxLookupBatch;
    PackRepository.maxLookupBatch = 2;
    try {
      const serials = ['V3', 'X', 'V1', 'V2', 'Y'];
      const answers = await Promise.all(serials.map((s) => packs.lookup(GTIN, s, null)));
      expect(answers.map((a) => a.pack?.serial ?? null)).toEqual(['V3', null, 'V1', 'V2', null]);
    } finally {
      PackRepository.maxLookupBatch = max;
    }
  });

  it('concurrent scans over HTTP get their own verdicts', async () => {
    const scans = ['V1', 'V2', 'V3', 'GONE'].map((serial) =>
      h.call('pharmacy', 'POST', '/verify', { identity: { gtin: GTIN, serial } }),
    );
    expect((await Promise.all(scans)).map((r) => [r.status, r.body.serial, r.body.code])).toEqual([
      [200, 'V1', 'ACTIVE'],
      [200, 'V2', 'ACTIVE'],
      [200, 'V3', 'ACTIVE'],
      [200, 'GONE', 'UNKNOWN_SERIAL'],
    ]);
  });

  it('a bad body is a 400 naming the field; no token is a 401 before anything about the body', async () => {
    const r = await h.call('pharmacy', 'POST', '/verify', { identity: { gtin: GTIN, serial: 'V1', batch: 'x' } });
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ error: 'ValidationFailed', fields: { 'identity.batch': expect.any(Array) } });
    const anonymous = await fetch(`${h.url}/verify`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ colour: 'red' }),
    });
    expect(anonymous.status).toBe(401);
  });
});
