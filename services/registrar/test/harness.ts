import { randomBytes, randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { RegistrarAbi, registrarAt } from '@uhr/contracts';
import { createServiceApp, readDeployment } from '@uhr/platform';
import { loadStackEnv, tokenFor } from '@uhr/platform/testing';
import { id as keccakId, JsonRpcProvider, Wallet, type Contract } from 'ethers';
import { DataSource } from 'typeorm';
import { registrarConfig } from '../src/config.js';
import { RegistrarModule } from '../src/registrar.module.js';

/** anvil's account 0 administers the local deployment; account 5 is the in-process test registrar's signer. */
const ADMIN_KEY = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';
export const TEST_SIGNER_KEY = '0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba';

export interface RegistrarUnderTest {
  app: INestApplication;
  url: string;
  ds: DataSource;
  registrar: Contract;
  provider: JsonRpcProvider;
  close(): Promise<void>;
  call(
    method: string,
    path: string,
    opts?: { user?: string | null; body?: unknown },
  ): Promise<{ status: number; body: any }>;
}

/**
 * Boots the registrar in-process against the real servers, with a database of its own (so runs never see each
 * other's rows) and its own chain signer, granted REGISTRAR_ROLE by the deployment's admin.
 */
export async function startRegistrar(
  database = `uhr_registrar_test_${randomBytes(4).toString('hex')}`,
  /** Endpoints to use instead of the shared stack's, e.g. a private PostgreSQL an outage test stops. */
  endpoints: Record<string, string> = {},
): Promise<RegistrarUnderTest> {
  const env = loadStackEnv();
  const config = registrarConfig({
    ...env,
    ...endpoints,
    PORT: '0',
    UHR_DATABASE: database,
    UHR_CHAIN_SIGNER_KEY: TEST_SIGNER_KEY,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
  });
  const deployment = readDeployment(config.deploymentsFile);
  const provider = new JsonRpcProvider(config.chainRpcUrl, deployment.chainId, { staticNetwork: true });
  const registrar = registrarAt(deployment.contracts.Registrar!, provider);
  const role = keccakId('REGISTRAR_ROLE');
  const signer = new Wallet(TEST_SIGNER_KEY).address;
  if (!(await registrar.hasRole!(role, signer))) {
    const admin = registrarAt(deployment.contracts.Registrar!, new Wallet(ADMIN_KEY, provider));
    await (await admin.grantRole!(role, signer)).wait();
  }
  const app = await createServiceApp(RegistrarModule.forRoot(config), config);
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  const call: RegistrarUnderTest['call'] = async (method, path, opts = {}) => {
    const user = opts.user === undefined ? 'registrar-1' : opts.user;
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (user) headers.authorization = `Bearer ${await tokenFor(user)}`;
    const res = await fetch(url + path, {
      method,
      headers,
      body: opts.body === undefined ? undefined : typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
  return {
    app,
    url,
    ds: app.get(DataSource),
    registrar,
    provider,
    call,
    close: async () => {
      await app.close();
      provider.destroy();
    },
  };
}

export const anAddress = () => Wallet.createRandom().address;
export const aNationalId = () => `NI${randomUUID().replace(/-/g, '').slice(0, 12).toUpperCase()}`;
export const aPatient = (overrides: Record<string, unknown> = {}) => ({
  kind: 'patient',
  identifier: { system: 'national-id', value: aNationalId() },
  address: anAddress(),
  ...overrides,
});
export { RegistrarAbi };
