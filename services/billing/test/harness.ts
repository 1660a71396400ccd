// Integration harness: billing in-process on its own database and its chain signer (anvil account 7, ANCHORER
// granted here by the deployer if missing), patients enrolled through the running registrar service.
// Everything real: PostgreSQL, Kafka, Keycloak, anvil.
import { randomBytes } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { anchorsAt, consentAt, relationshipsAt, ROLES } from '@uhr/contracts';
import { createServiceApp, IdentityDirectory, readDeployment } from '@uhr/platform';
import { dropTestDatabase, loadStackEnv, tokenFor, waitFor } from '@uhr/platform/testing';
import { JsonRpcProvider, NonceManager, Wallet } from 'ethers';
import { Kafka, logLevel } from 'kafkajs';
import { DataSource } from 'typeorm';
import { call, enrol, type Party, type Reply } from '../../records/demo/client.js';
import { Anchoring } from '../src/anchoring.js';
import { INVOICE_TOPIC } from '../src/invoices/invoice.repository.js';
import { BILLING_APP_OPTIONS, BillingModule } from '../src/billing.module.js';
import { billingConfig, type BillingConfig } from '../src/config.js';
import { consentConfig } from '../../consent/src/config.js';
import { ConsentModule } from '../../consent/src/consent.module.js';

const ADMIN_KEY = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';
// anvil account 8 (records' tests use it for consent too): RELAYER on Consent and Relationships.
const CONSENT_TEST_KEY = '0xdbda1821b80551c9d65939329250298aa3472ba22feea921c0cf5d620ea67b97';
export const BILLING_TEST_KEY = '0x4bbbf85ce3377467afe5d46f804f221813b2bb87f24d81f60f1fcdbf7cbf4356';

type RoleGrant = { contract: 'Anchors' | 'Consent' | 'Relationships'; role: string; key: string };

/** Grants missing roles as the deployer (anvil account 0), as a deployment's operator would. */
async function ensureRoles(env: Record<string, string>, grants: readonly RoleGrant[]): Promise<void> {
  const d = readDeployment(env.UHR_DEPLOYMENTS_FILE!);
  const provider = new JsonRpcProvider(env.UHR_CHAIN_RPC_URL, d.chainId, { staticNetwork: true });
  const admin = new NonceManager(new Wallet(ADMIN_KEY, provider));
  const at = { Anchors: anchorsAt, Consent: consentAt, Relationships: relationshipsAt };
  try {
    for (const g of grants) {
      const contract = at[g.contract]((d.contracts as Record<string, string>)[g.contract]!, admin);
      const holder = new Wallet(g.key).address;
      if (!((await contract.hasRole!(g.role, holder)) as boolean))
        await (await contract.grantRole!(g.role, holder)).wait();
    }
  } finally {
    provider.destroy();
  }
}

export interface Billing {
  app: INestApplication;
  url: string;
  db: DataSource;
  anchoring: Anchoring;
  config: BillingConfig;
  /** As the named realm user. */
  as(username: string): <T = any>(method: string, path: string, body?: unknown) => Promise<Reply<T>>;
  restart(opts?: { workers?: boolean }): Promise<void>;
  close(): Promise<void>;
}

export async function startBilling(opts: { workers?: boolean } = {}): Promise<Billing> {
  const env = loadStackEnv();
  await ensureRoles(env, [{ contract: 'Anchors', role: ROLES.ANCHORER, key: BILLING_TEST_KEY }]);
  const config = billingConfig({
    ...process.env,
    PORT: '0',
    UHR_DATABASE: `uhr_billing_test_${randomBytes(4).toString('hex')}`,
    UHR_CHAIN_SIGNER_KEY: BILLING_TEST_KEY,
    UHR_BILLING_ANCHOR_INTERVAL_MS: '200',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  });
  const boot = async (workers?: boolean) => {
    const app = await createServiceApp(BillingModule.forRoot(config, { workers }), config, BILLING_APP_OPTIONS);
    await app.listen(0, '127.0.0.1');
    return app;
  };
  const app = await boot(opts.workers);
  const b: Billing = {
    app,
    url: (await app.getUrl()).replace('[::1]', '127.0.0.1'),
    db: app.get(DataSource),
    anchoring: app.get(Anchoring),
    config,
    as(username) {
      return async (method, path, body) => call(b.url, await tokenFor(username), method, path, body);
    },
    async restart(o = {}) {
      await b.app.close();
      b.app = await boot(o.workers);
      b.url = (await b.app.getUrl()).replace('[::1]', '127.0.0.1');
      b.db = b.app.get(DataSource);
      b.anchoring = b.app.get(Anchoring);
    },
    async close() {
      await b.app.close();
      await dropTestDatabase(config.database);
    },
  };
  return b;
}

/** A fresh patient (or third-party) identity for a realm user, known to billing's identity directory once this returns. */
export async function enrolPatient(
  b: Billing,
  username: string,
  kind: 'patient' | 'third-party' = 'patient',
): Promise<Party> {
  const env = loadStackEnv();
  const party = await enrol(env.UHR_REGISTRAR_URL!, await tokenFor('registrar-1'), {
    username,
    token: await tokenFor(username),
    kind,
    system: kind === 'patient' ? 'national-id' : 'organisation-id',
  });
  await waitFor(`${username} in billing's directory`, () => b.app.get(IdentityDirectory).byId(party.identityId), {
    timeoutMs: 30_000,
  });
  return party;
}

/** A schedule publication body (JSON form), valid unless overridden. */
export function aSchedule(over: Record<string, unknown> = {}, entries?: Array<Record<string, unknown>>) {
  return {
    instrument: `S.O. ${randomBytes(3).toString('hex')}(E)`,
    timeZone: 'Asia/Kolkata',
    currency: 'INR',
    effectiveFrom: '2025-04-01',
    recoveryInterestRate: '15',
    entries: entries ?? [
      anEntry({ code: 'PARA-500', ceilingPerUnit: '2.00', gtin: '08901234567890', unitsPerPack: '10' }),
      anEntry({ code: 'DES', unit: 'EACH', ceilingPerUnit: '38,933.14', taxRate: '5', deviceDetailsRequired: true }),
    ],
    ...over,
  };
}

export function anEntry(over: Record<string, unknown>) {
  return {
    unit: 'TABLET',
    taxInclusive: false,
    taxRate: '12',
    regime: 'HARD_CAP',
    deviceDetailsRequired: false,
    ...over,
  };
}

/** The OverchargeRefunded envelope for an invoice, read from Kafka (a fresh consumer group, from the start). */
export async function refundOnKafka(invoiceId: string): Promise<{ type: string; version: number; payload: any }> {
  const kafka = new Kafka({
    clientId: 'billing-test',
    brokers: loadStackEnv().UHR_KAFKA_BROKERS!.split(','),
    logLevel: logLevel.NOTHING,
  });
  const consumer = kafka.consumer({ groupId: `billing-test-${randomBytes(4).toString('hex')}` });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: INVOICE_TOPIC, fromBeginning: true });
    let found: { type: string; version: number; payload: any } | undefined;
    await consumer.run({
      eachMessage: async ({ message }) => {
        const env = JSON.parse(message.value!.toString()) as { type: string; version: number; payload: any };
        if (env.type === 'billing.OverchargeRefunded' && env.payload.invoiceId === invoiceId) found = env;
      },
    });
    return await waitFor('the refund on Kafka', () => found, { timeoutMs: 60_000 });
  } finally {
    await consumer.disconnect();
  }
}

/**
 * The consent service of this checkout, in-process on its own database (the running one may predate the
 * `billing` category), with its own chain signer.
 */
export async function startConsent(): Promise<{ url: string; close(): Promise<void> }> {
  const env = loadStackEnv();
  await ensureRoles(env, [
    { contract: 'Consent', role: ROLES.RELAYER, key: CONSENT_TEST_KEY },
    { contract: 'Relationships', role: ROLES.RELAYER, key: CONSENT_TEST_KEY },
  ]);
  const config = consentConfig({
    ...process.env,
    PORT: '0',
    UHR_DATABASE: `uhr_consent_billing_test_${randomBytes(4).toString('hex')}`,
    UHR_CHAIN_SIGNER_KEY: CONSENT_TEST_KEY,
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  });
  const app = await createServiceApp(ConsentModule.forRoot(config), config);
  await app.listen(0, '127.0.0.1');
  return {
    url: (await app.getUrl()).replace('[::1]', '127.0.0.1'),
    async close() {
      await app.close();
      await dropTestDatabase(config.database);
    },
  };
}
