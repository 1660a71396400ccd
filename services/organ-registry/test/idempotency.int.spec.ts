import { sendTwiceWithKey, tokenFor } from '@uhr/platform/testing';
import { aDonor } from './builders.js';
import { startRegistry, type Registry } from './harness.js';

/** Idempotency-Key on the organ registry (ADR 0019), against the real servers (S3 holds the consent document). */
let reg: Registry;
beforeAll(async () => {
  reg = await startRegistry();
});
afterAll(() => reg?.close());

const donors = async () => Number((await reg.db.query('select count(*)::int as n from donors'))[0].n);

it('a retried donor registration under one key replays the first answer and stores one donor', async () => {
  const before = await donors();
  const [first, again] = await sendTwiceWithKey(reg.url, await tokenFor('organbank-1'), 'POST', '/donors', aDonor());
  expect(first.status).toBe(201);
  expect(again).toEqual({ ...first, replayed: true });
  expect(await donors()).toBe(before + 1);
});

it('without a key the same registration is a second donor (what the key prevents)', async () => {
  const before = await donors();
  const bank = await reg.as('organbank-1');
  const body = aDonor();
  expect((await bank('POST', '/donors', body)).status).toBe(201);
  expect((await bank('POST', '/donors', body)).status).toBe(201);
  expect(await donors()).toBe(before + 2);
});
