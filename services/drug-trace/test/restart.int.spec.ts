// A restart in the middle of a capture loses nothing: the document commits whole or not at all, the client's
// retry stores what is missing once, and every stored event is still anchored after the restart.
import type { StreamAnchorer } from '@uhr/platform';
import { EVENTS_ANCHORER } from '../src/anchoring/anchorers.js';
import { commission, epcisDocument, GTIN, seedMasterData, startDrugTrace, type App } from './harness.js';

describe('drug-trace restart mid-capture (integration)', () => {
  let h: App;
  beforeAll(async () => {
    h = await startDrugTrace();
    await seedMasterData(h);
  });
  afterAll(() => h?.close());

  it('stops while a 4,000-pack document is being captured; the retry completes it exactly once', async () => {
    const events = Array.from({ length: 40 }, (_, e) =>
      commission(
        Array.from({ length: 100 }, (_, i) => `RS${e}-${i}`),
        e,
      ),
    );
    const doc = epcisDocument(events);
    const inFlight = h
      .call('maker', 'POST', '/capture', doc)
      .catch((err: Error) => ({ status: 0, error: err.message }));
    await new Promise((r) => setTimeout(r, 30));
    await h.restart();
    const first = await inFlight;
    const retry = await h.call('maker', 'POST', '/capture', doc);
    expect(retry.status).toBe(202);
    expect(retry.body.eventCount).toBe(40);
    // Whatever the first attempt did, together they stored each event once and commissioned every pack.
    const stored = first.status === 202 ? 40 : 0;
    expect(retry.body.newEvents).toBe(40 - stored);
    const [{ events: n, packs, entries }] = await h.db.query(
      `select (select count(*)::int from epcis_events) as events,
              (select count(*)::int from packs where gtin = $1) as packs,
              (select count(*)::int from epcis_events where anchor_entry is not null) as entries`,
      [GTIN],
    );
    expect({ n, packs, entries }).toEqual({ n: 40, packs: 4000, entries: 40 });
    const ids = (await h.db.query('select anchor_entry from epcis_events')).map(
      (r: { anchor_entry: string }) => r.anchor_entry,
    );
    await h.app.get<StreamAnchorer>(EVENTS_ANCHORER).waitConfirmed(ids, 60_000);
  });
});
