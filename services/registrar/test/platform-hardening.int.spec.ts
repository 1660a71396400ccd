import { createServiceApp } from '@uhr/platform';
import { loadStackEnv, serviceToken, tokenFor } from '@uhr/platform/testing';
import { registrarConfig } from '../src/config.js';
import { RegistrarModule } from '../src/registrar.module.js';
import { startRegistrar, type RegistrarUnderTest } from './harness.js';

/** Platform rules, tried against a real service module booted in-process (its secrets, its audience, its health). */
let r: RegistrarUnderTest;
beforeAll(async () => {
  r = await startRegistrar();
});
afterAll(async () => {
  await r?.close();
});

const get = async (path: string, token?: string) => {
  const res = await fetch(r.url + path, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

describe('secrets fail closed', () => {
  it('outside UHR_STACK=local, the registrar does not boot without its secrets, and says which', async () => {
    const { UHR_STACK: _local, UHR_PG_URL: _pg, ...endpoints } = loadStackEnv();
    const boot = async () => {
      const config = registrarConfig({ ...endpoints, PORT: '0', LOG_LEVEL: 'silent' });
      return createServiceApp(RegistrarModule.forRoot(config), config);
    };
    const failure = boot();
    await expect(failure).rejects.toThrow('registrar: invalid configuration');
    for (const name of ['UHR_PG_URL', 'UHR_CHAIN_SIGNER_KEY', 'UHR_IDENTITY_PEPPER']) {
      await expect(failure).rejects.toThrow(`${name}: is not set (a secret`);
    }
  });
});

describe('audience', () => {
  it("refuses a token whose audience is not the registrar's", async () => {
    const res = await get('/identities/me', await serviceToken('uhr-notifications'));
    expect(res.status).toBe(401);
    expect(res.body.message).toMatch(/invalid token/);
  });

  it('accepts an end-user token from uhr-cli', async () => {
    expect((await get('/identities/me', await tokenFor('patient-alice'))).status).not.toBe(401);
  });
});

describe('health', () => {
  it.each(['/health/live', '/health/ready'])('%s is public and says only the status', async (path) => {
    expect(await get(path)).toEqual({ status: 200, body: { status: 'ok' } });
  });

  it('/health needs a token, and the auditor or admin role', async () => {
    expect((await get('/health')).status).toBe(401);
    expect((await get('/health', await tokenFor('patient-alice'))).status).toBe(403);
    expect((await get('/health', await tokenFor('registrar-1'))).status).toBe(403);
  });

  it.each(['auditor-1', 'admin-1'])('/health gives %s the dependencies, block number and backlog', async (user) => {
    const { status, body } = await get('/health', await tokenFor(user));
    expect(status).toBe(200);
    expect(body.info).toMatchObject({
      postgres: { status: 'up' },
      kafka: { status: 'up', outboxPending: expect.any(Number) },
      chain: { status: 'up', block: expect.any(Number), openWrites: expect.any(Number) },
    });
  });
});
