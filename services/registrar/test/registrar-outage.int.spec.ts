import { stack, tokenFor, waitFor } from '@uhr/platform/testing';
import { IdentityChainAdapter } from '../src/identities/chain/identity-chain.adapter.js';
import { chainIdOf } from '@uhr/platform';
import { IdentityRepository } from '../src/identities/identity.repository.js';
import { aPatient, startRegistrar, type RegistrarUnderTest } from './harness.js';

/**
 * Rule 1, "nothing is lost": with Kafka or the chain node stopped for real, commands are still accepted, and
 * when the server returns each event reaches its effect exactly once.
 */
let r: RegistrarUnderTest;
beforeAll(async () => {
  r = await startRegistrar();
});
afterAll(async () => {
  await stack('start', 'kafka', 'chain').catch(() => undefined);
  await r?.close();
});

const allConfirmed = (ids: string[]) =>
  waitFor(
    `${ids.length} identities confirmed`,
    async () => {
      const rows: Array<{ n: string }> = await r.ds.query(
        `select count(*)::text as n from identities where id = any($1::uuid[]) and chain_status = 'confirmed'`,
        [ids],
      );
      return Number(rows[0]!.n) === ids.length;
    },
    { timeoutMs: 90_000, intervalMs: 200 },
  );

async function expectExactlyOnce(ids: string[]) {
  const jobs: Array<{ n: string }> = await r.ds.query(
    `select count(*)::text as n from uhr_chain_tx where request->>'identityId' = any($1)`,
    [ids],
  );
  expect(Number(jobs[0]!.n)).toBe(ids.length);
  const anchored: Array<{ stream_id: string; n: string }> = await r.ds.query(
    `select stream_id, count(*)::text as n from uhr_events where type = 'registrar.IdentityAnchored'
       and stream_id = any($1) group by stream_id`,
    [ids],
  );
  expect(anchored).toHaveLength(ids.length);
  expect(anchored.every((a) => a.n === '1')).toBe(true);
  for (const id of ids) expect((await r.registrar.identityOf!(chainIdOf(id)))[1]).toBe(1n);
}

it('accepts commands while Kafka is down and delivers each exactly once when it returns', async () => {
  await stack('stop', 'kafka');
  const ids: string[] = [];
  for (let i = 0; i < 10; i++) {
    const res = await r.call('POST', '/identities', { body: aPatient() });
    expect(res.status).toBe(202);
    ids.push(res.body.id);
  }
  const pending: Array<{ n: string }> = await r.ds.query(
    'select count(*)::text as n from uhr_outbox where published_at is null',
  );
  expect(Number(pending[0]!.n)).toBeGreaterThanOrEqual(10);
  const health = await fetch(`${r.url}/health`, {
    headers: { authorization: `Bearer ${await tokenFor('auditor-1')}` },
  });
  expect(health.status).toBe(503);
  expect((await fetch(`${r.url}/health/ready`)).status).toBe(200);

  await stack('start', 'kafka');
  await allConfirmed(ids);
  await expectExactlyOnce(ids);

  // A redelivered event (rebalance, relay re-send) finds its id and changes nothing.
  const [first] = await r.app.get(IdentityRepository).history(ids[0]!);
  expect(await r.app.get(IdentityChainAdapter).consumer.handle(first!)).toBe(false);
  await expectExactlyOnce(ids);
});

it('accepts commands while the chain node is down and anchors them when it returns', async () => {
  await stack('stop', 'chain');
  const ids: string[] = [];
  for (let i = 0; i < 5; i++) {
    const res = await r.call('POST', '/identities', { body: aPatient() });
    expect(res.status).toBe(202);
    ids.push(res.body.id);
  }
  await waitFor('chain jobs queued', async () => {
    const rows: Array<{ n: string }> = await r.ds.query(
      `select count(*)::text as n from uhr_chain_tx where request->>'identityId' = any($1) and status = 'pending'`,
      [ids],
    );
    return Number(rows[0]!.n) === ids.length;
  });
  await stack('start', 'chain');
  await allConfirmed(ids);
  await expectExactlyOnce(ids);
});
