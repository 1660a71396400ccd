import { randomUUID } from 'node:crypto';
import { sendTwiceWithKey, sendWithKey, tokenFor } from '@uhr/platform/testing';
import { startDrugTrace, type App } from './harness.js';

/** Idempotency-Key on drug-trace (ADR 0019), against the real servers. */
let h: App;
beforeAll(async () => {
  h = await startDrugTrace();
});
afterAll(() => h?.close());

const aParty = () => ({ subject: randomUUID(), role: 'pharmacist', name: `pharmacy ${randomUUID().slice(0, 6)}` });

it('a retried party registration under one key replays the first 201 and stores one party', async () => {
  const party = aParty();
  const [first, again] = await sendTwiceWithKey(h.url, await tokenFor('admin-1'), 'POST', '/parties', party);
  expect(first.status).toBe(201);
  expect(again).toEqual({ ...first, replayed: true });
  const rows: Array<{ n: number }> = await h.db.query('select count(*)::int as n from parties where subject = $1', [
    party.subject,
  ]);
  expect(rows[0]!.n).toBe(1);
});

it('a key is not reused for another party: 422, and the second party is not stored', async () => {
  const token = await tokenFor('admin-1');
  const key = randomUUID();
  expect((await sendWithKey(h.url, token, 'POST', '/parties', aParty(), key)).status).toBe(201);
  const reused = await sendWithKey(h.url, token, 'POST', '/parties', aParty(), key);
  expect(reused.status).toBe(422);
  expect(reused.body.error).toBe('IdempotencyKeyReused');
});
