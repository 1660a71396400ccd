// Custody parties enrolled through the running registrar service: each an identity (no login bound) whose key
// the Registrar contract binds, as hospitals, couriers and clinicians would be.
import { randomBytes } from 'node:crypto';
import { loadStackEnv, tokenFor, waitFor } from '@uhr/platform/testing';
import { Wallet } from 'ethers';

export interface CustodyParty {
  name: string;
  id: string;
  wallet: Wallet;
}

let login: Promise<string> | undefined;

/**
 * The registrar's login, taken once for all parties (single flight). Keycloak's brute-force protection may hold
 * the account for a while after someone's failed logins: then wait and try again, for up to a minute.
 */
function registrarToken(): Promise<string> {
  login ??= waitFor('a registrar login', () => tokenFor('registrar-1').catch(() => undefined), {
    timeoutMs: 60_000,
    intervalMs: 2_000,
  });
  return login;
}

async function registrar(method: string, path: string, body?: unknown) {
  const env = loadStackEnv();
  const res = await fetch(`${env.UHR_REGISTRAR_URL ?? 'http://127.0.0.1:3001'}${path}`, {
    method,
    headers: { authorization: `Bearer ${await registrarToken()}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as { id: string; chain?: { status: string } } };
}

export async function enrolParty(name: string, kind: 'provider' | 'third-party'): Promise<CustodyParty> {
  const wallet = Wallet.createRandom() as unknown as Wallet;
  const identifier = { system: 'organisation-id', value: `ORG-${randomBytes(6).toString('hex').toUpperCase()}` };
  const res = await registrar('POST', '/identities', { kind, identifier, address: wallet.address });
  if (res.status !== 202) throw new Error(`registrar refused ${name}: ${res.status} ${JSON.stringify(res.body)}`);
  await waitFor(
    `${name} on-chain`,
    async () => (await registrar('GET', `/identities/${res.body.id}`)).body.chain?.status === 'confirmed',
    {
      timeoutMs: 60_000,
      intervalMs: 200,
    },
  );
  return { name, id: res.body.id, wallet };
}
