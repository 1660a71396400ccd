import { sendTwiceWithKey, tokenFor } from '@uhr/platform/testing';
import { aSchedule, startBilling, type Billing } from './harness.js';

/** Idempotency-Key on billing (ADR 0019), against the real servers. */
let b: Billing;
beforeAll(async () => {
  b = await startBilling();
});
afterAll(() => b?.close());

it('a retried publication under one key replays the first answer (201, created) and stores one version', async () => {
  const body = aSchedule();
  const [first, again] = await sendTwiceWithKey(b.url, await tokenFor('regulator-1'), 'POST', '/schedules', body);
  expect(first.status).toBe(201);
  expect(first.replayed).toBe(false);
  // Without the key the second send would be 200 `created: false`: the key gives back the first outcome itself.
  expect(again.status).toBe(201);
  expect(again.replayed).toBe(true);
  expect(again.body).toEqual(first.body);
  const versions: Array<{ n: number }> = await b.db.query(
    `select count(*)::int as n from uhr_events where type like 'billing.Schedule%' and payload::text like $1`,
    [`%${body.instrument}%`],
  );
  expect(versions[0]!.n).toBe(1);
});
