import { chainIdOf } from '@uhr/platform';
import { killNode, loadClusterEnv, startNode, waitFor } from '@uhr/platform/testing';
import { aPatient, startRegistrar, type RegistrarUnderTest } from './harness.js';

/**
 * The registrar in-process on the cluster profile (ADR 0017): its events through the three brokers, its
 * identities anchored on the three Clique signers, settled after two blocks. A registration travels command →
 * outbox → Kafka → the registrar's own chain adapter → chain writer → Clique, so losing a broker or a signer
 * on the way must cost neither an identity nor a duplicate.
 */
const cluster = loadClusterEnv();
const saved = { ...process.env };
let r: RegistrarUnderTest;

beforeAll(async () => {
  Object.assign(process.env, {
    UHR_KAFKA_BROKERS: cluster.kafkaBrokers.join(','),
    UHR_CHAIN_RPC_URL: cluster.chainRpcUrls[0],
    UHR_DEPLOYMENTS_FILE: cluster.deploymentsFile,
    UHR_CHAIN_CONFIRMATIONS: '2',
  });
  r = await startRegistrar();
});
afterAll(async () => {
  await startNode('kafka-2').catch(() => undefined);
  await startNode('geth-3').catch(() => undefined);
  await r?.close();
  process.env = saved;
});

const register = async (n: number): Promise<string[]> => {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const res = await r.call('POST', '/identities', { body: aPatient() });
    expect(res.status).toBe(202);
    ids.push(res.body.id);
  }
  return ids;
};

const confirmed = async (ids: string[]): Promise<number> => {
  const rows: Array<{ n: string }> = await r.ds.query(
    `select count(*)::text as n from identities where id = any($1::uuid[]) and chain_status = 'confirmed'`,
    [ids],
  );
  return Number(rows[0]!.n);
};

async function expectExactlyOnce(ids: string[]): Promise<void> {
  const jobs: Array<{ n: string }> = await r.ds.query(
    `select count(*)::text as n from uhr_chain_tx where request->>'identityId' = any($1)`,
    [ids],
  );
  expect(Number(jobs[0]!.n)).toBe(ids.length);
  const anchored: Array<{ n: string }> = await r.ds.query(
    `select count(*)::text as n from uhr_events where type = 'registrar.IdentityAnchored' and stream_id = any($1)
      group by stream_id`,
    [ids],
  );
  expect(anchored).toHaveLength(ids.length);
  expect(anchored.every((a) => a.n === '1')).toBe(true);
  for (const id of ids) expect((await r.registrar.identityOf!(chainIdOf(id)))[1]).toBe(1n);
}

it('registrations through three brokers are anchored on the Clique chain, each once', async () => {
  const ids = await register(10);
  await waitFor('10 identities confirmed', async () => (await confirmed(ids)) === ids.length, {
    timeoutMs: 60_000,
    intervalMs: 250,
  });
  await expectExactlyOnce(ids);
});

it('a broker and a signer killed under registrations: they go on being anchored, each once, none stalled past their return', async () => {
  const before = await register(10);
  await killNode('kafka-2');
  await killNode('geth-3');
  const during = await register(20);
  // Two brokers keep the in-sync minimum and two signers keep sealing: anchored while both are down.
  await waitFor('identities registered during the outage confirmed', async () => (await confirmed(during)) === 20, {
    timeoutMs: 90_000,
    intervalMs: 250,
  });
  await startNode('kafka-2');
  await startNode('geth-3');
  const returned = Date.now();
  const after = await register(10);
  const all = [...before, ...during, ...after];
  await waitFor('every identity confirmed', async () => (await confirmed(all)) === all.length, {
    timeoutMs: 60_000,
    intervalMs: 250,
  });
  console.log(
    `registrar on the cluster: all ${all.length} confirmed ${((Date.now() - returned) / 1000).toFixed(1)} s after the nodes returned`,
  );
  await expectExactlyOnce(all);
});
