// Integration harness: in-process records + consent apps on their own databases and their own chain signers
// (anvil accounts 7 and 8, granted their roles here by the deployer), parties enrolled through the running
// registrar service. Everything real: PostgreSQL, Kafka, Keycloak, S3, anvil.
import { randomBytes } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { ROLES, anchorsAt, consentAt, relationshipsAt } from '@uhr/contracts';
import { createServiceApp, readDeployment } from '@uhr/platform';
import { loadStackEnv, tokenFor } from '@uhr/platform/testing';
import { JsonRpcProvider, NonceManager, Wallet, type Contract } from 'ethers';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { consentConfig } from '../../consent/src/config.js';
import { ConsentModule } from '../../consent/src/consent.module.js';
import { recordsConfig } from '../src/config.js';
import { enrol, until, type Party } from '../demo/client.js';
import { RECORDS_APP_OPTIONS, RecordsModule } from '../src/records.module.js';

export const ADMIN_KEY = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';
// anvil account 7 (m/44'/60'/0'/0/7, 0x14dC…9955).
export const RECORDS_TEST_KEY = '0x4bbbf85ce3377467afe5d46f804f221813b2bb87f24d81f60f1fcdbf7cbf4356';
export const CONSENT_TEST_KEY = '0xdbda1821b80551c9d65939329250298aa3472ba22feea921c0cf5d620ea67b97';

/** Grants a role unless held; several suites may do this at once, so nonce races are retried. */
async function ensureRole(contract: Contract, role: string, holder: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    if ((await contract.hasRole!(role, holder)) as boolean) return;
    try {
      await (await contract.grantRole!(role, holder)).wait();
      return;
    } catch (err) {
      if (attempt >= 5) throw err;
      await new Promise((r) => setTimeout(r, 200 * attempt));
    }
  }
}

export interface Stack {
  env: Record<string, string>;
  records: INestApplication;
  consent: INestApplication;
  recordsUrl: string;
  consentUrl: string;
  recordsDb: DataSource;
  provider: JsonRpcProvider;
  gatekeeperDomain: { chainId: number; verifyingContract: string };
  recordsDatabase: string;
  /** A second records instance on the same database (no workers): what another replica would decide. */
  /** Another instance on the same database, without workers; `env` overrides its configuration. */
  startReplica(env?: Record<string, string>): Promise<{ url: string; app: INestApplication; close(): Promise<void> }>;
  /** Stops a service (as a crash or a rolling update would) and starts it again on the same database. */
  restart(which: 'records' | 'consent'): Promise<void>;
  /** Grants or revokes the records signer's ANCHORER role (an operator's mistake, a key being rotated). */
  setAnchorer(allowed: boolean): Promise<void>;
  close(): Promise<void>;
}

export async function startStack(): Promise<Stack> {
  const env = loadStackEnv();
  const deployment = readDeployment(env.UHR_DEPLOYMENTS_FILE!);
  const provider = new JsonRpcProvider(env.UHR_CHAIN_RPC_URL, deployment.chainId, { staticNetwork: true });
  const admin = new NonceManager(new Wallet(ADMIN_KEY, provider));
  const c = deployment.contracts as Record<string, string>;
  const recordsSigner = new Wallet(RECORDS_TEST_KEY).address;
  const consentSigner = new Wallet(CONSENT_TEST_KEY).address;
  await ensureRole(relationshipsAt(c.Relationships!, admin), ROLES.RELAYER, recordsSigner);
  await ensureRole(consentAt(c.Consent!, admin), ROLES.GATEKEEPER, recordsSigner);
  await ensureRole(anchorsAt(c.Anchors!, admin), ROLES.ANCHORER, recordsSigner);
  await ensureRole(consentAt(c.Consent!, admin), ROLES.RELAYER, consentSigner);
  await ensureRole(relationshipsAt(c.Relationships!, admin), ROLES.RELAYER, consentSigner);

  const run = randomBytes(4).toString('hex');
  const recordsDatabase = `uhr_records_test_${run}`;
  const recordsEnv = {
    ...process.env,
    PORT: '0',
    UHR_DATABASE: recordsDatabase,
    UHR_CHAIN_SIGNER_KEY: RECORDS_TEST_KEY,
    UHR_RECORDS_BUCKET: 'uhr-records-test',
    UHR_AUDIT_ANCHOR_INTERVAL_MS: '500',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  };
  const rc = recordsConfig(recordsEnv);
  const cc = consentConfig({
    ...process.env,
    PORT: '0',
    UHR_DATABASE: `uhr_consent_test_${run}`,
    UHR_CHAIN_SIGNER_KEY: CONSENT_TEST_KEY,
    UHR_CONSENT_EXPIRY_SWEEP_MS: '300',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  });
  const records = await createServiceApp(RecordsModule.forRoot(rc), rc, RECORDS_APP_OPTIONS);
  await records.listen(0, '127.0.0.1');
  const consent = await createServiceApp(ConsentModule.forRoot(cc), cc);
  await consent.listen(0, '127.0.0.1');
  const recordsDb = records.get(DataSource);
  const stack: Stack = {
    env,
    records,
    consent,
    recordsUrl: await records.getUrl().then((u) => u.replace('[::1]', '127.0.0.1')),
    consentUrl: await consent.getUrl().then((u) => u.replace('[::1]', '127.0.0.1')),
    recordsDb,
    provider,
    gatekeeperDomain: { chainId: deployment.chainId, verifyingContract: c.Relationships! },
    recordsDatabase,
    async setAnchorer(allowed) {
      const anchors = anchorsAt(c.Anchors!, admin);
      if (allowed) await ensureRole(anchors, ROLES.ANCHORER, recordsSigner);
      else await (await anchors.revokeRole!(ROLES.ANCHORER, recordsSigner)).wait();
    },
    async startReplica(env = {}) {
      const config = recordsConfig({ ...recordsEnv, ...env });
      const replica = await createServiceApp(
        RecordsModule.forRoot(config, { workers: false }),
        config,
        RECORDS_APP_OPTIONS,
      );
      await replica.listen(0, '127.0.0.1');
      return {
        url: (await replica.getUrl()).replace('[::1]', '127.0.0.1'),
        app: replica,
        close: () => replica.close(),
      };
    },
    async restart(which) {
      if (which === 'records') {
        await stack.records.close();
        stack.records = await createServiceApp(RecordsModule.forRoot(rc), rc, RECORDS_APP_OPTIONS);
        await stack.records.listen(0, '127.0.0.1');
        stack.recordsUrl = (await stack.records.getUrl()).replace('[::1]', '127.0.0.1');
        stack.recordsDb = stack.records.get(DataSource);
      } else {
        await stack.consent.close();
        stack.consent = await createServiceApp(ConsentModule.forRoot(cc), cc);
        await stack.consent.listen(0, '127.0.0.1');
        stack.consentUrl = (await stack.consent.getUrl()).replace('[::1]', '127.0.0.1');
      }
    },
    async close() {
      await stack.records.close();
      await stack.consent.close();
      provider.destroy();
      // Each run's databases are its own: drop them so runs do not pile up.
      const admin = new pg.Client({ connectionString: env.UHR_PG_URL });
      await admin.connect();
      try {
        for (const db of [rc.database, cc.database]) await admin.query(`drop database if exists "${db}" with (force)`);
      } finally {
        await admin.end();
      }
    },
  };
  return stack;
}

export type PartyName = 'alice' | 'bob' | 'hospital' | 'clinic' | 'pharmacy' | 'insurer';

const PARTIES: Record<PartyName, { username: string; kind: 'patient' | 'provider' | 'third-party'; system: string }> = {
  alice: { username: 'patient-alice', kind: 'patient', system: 'national-id' },
  bob: { username: 'patient-bob', kind: 'patient', system: 'national-id' },
  hospital: { username: 'provider-hospital', kind: 'provider', system: 'organisation-id' },
  clinic: { username: 'provider-clinic', kind: 'provider', system: 'organisation-id' },
  pharmacy: { username: 'pharmacist-1', kind: 'third-party', system: 'pharmacy-licence' },
  insurer: { username: 'insurer-1', kind: 'third-party', system: 'organisation-id' },
};

/**
 * Fresh identities (new keys) for the realm's users, registered through the running registrar service; with
 * `knownTo`, also waited for until that service's identity directory (fed by the registrar's Kafka events) holds
 * them all — a test must not race the projection it then relies on.
 */
export async function enrolParties(
  env: Record<string, string>,
  knownTo?: DataSource,
): Promise<Record<PartyName, Party>> {
  const registrarToken = await tokenFor('registrar-1');
  const entries = await Promise.all(
    (Object.keys(PARTIES) as PartyName[]).map(async (name) => {
      const p = PARTIES[name];
      return [
        name,
        await enrol(env.UHR_REGISTRAR_URL!, registrarToken, { ...p, token: await tokenFor(p.username) }),
      ] as const;
    }),
  );
  if (knownTo) {
    const ids = entries.map(([, party]) => party.identityId);
    await until(
      'parties known to the identity directory',
      async () => {
        const rows = await knownTo.query(`select count(*)::int as n from known_identities where id = any($1::uuid[])`, [
          ids,
        ]);
        return rows[0].n === ids.length;
      },
      30_000,
    );
  }
  return Object.fromEntries(entries) as Record<PartyName, Party>;
}

/** A FHIR Observation (glucose, value `n`) about `patient`, valid for upload. */
export const observation = (patient: Party, n: number) => ({
  resourceType: 'Observation',
  status: 'final',
  code: { coding: [{ system: 'http://loinc.org', code: '2345-7', display: 'Glucose' }] },
  subject: { reference: `Patient/${patient.identityId}` },
  valueQuantity: { value: n, unit: 'mmol/L' },
});
