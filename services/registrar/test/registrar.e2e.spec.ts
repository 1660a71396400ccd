import { loadStackEnv, tokenFor, waitFor } from '@uhr/platform/testing';
import { Wallet } from 'ethers';

/** The README's walkthrough, through the running registrar service (scripts/stack.sh started it). */
const env = loadStackEnv();
const base = env.UHR_REGISTRAR_URL ?? 'http://127.0.0.1:3001';

it('a Keycloak token registers an identity that reaches confirmed on-chain', async () => {
  const health = await fetch(`${base}/health/ready`);
  expect(health.status).toBe(200);

  const token = await tokenFor('registrar-1');
  const address = Wallet.createRandom().address;
  const res = await fetch(`${base}/identities`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      kind: 'provider',
      identifier: { system: 'medical-licence', value: `MD-${Date.now()}` },
      address,
    }),
  });
  expect(res.status).toBe(202);
  const created = (await res.json()) as { id: string };

  const confirmed = await waitFor('confirmed', async () => {
    const r = await fetch(`${base}/identities/${created.id}`, { headers: { authorization: `Bearer ${token}` } });
    const body = (await r.json()) as { chain: { status: string; txHash: string } };
    return body.chain.status === 'confirmed' ? body : undefined;
  });
  expect(confirmed.chain.txHash).toMatch(/^0x[0-9a-f]{64}$/);

  const docs = await fetch(`${base}/docs-json`);
  expect(docs.status).toBe(200);
  expect(Object.keys(((await docs.json()) as { paths: object }).paths)).toContain('/identities');
});
