// Integration harness: the drug-trace app in-process on its own database, against the running platform
// (PostgreSQL, Kafka, Keycloak, anvil). Its chain signer is anvil account 5, which holds ANCHORER on Anchors.
import { randomBytes } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { createServiceApp } from '@uhr/platform';
import { loadStackEnv, tokenFor } from '@uhr/platform/testing';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { drugTraceConfig, type DrugTraceConfig } from '../src/config.js';
import { DRUG_TRACE_APP_OPTIONS, DrugTraceModule } from '../src/drug-trace.module.js';

export const USERS = {
  admin: 'admin-1',
  maker: 'manufacturer-1',
  distributor: 'distributor-1',
  pharmacy: 'pharmacist-1',
  auditor: 'auditor-1',
} as const;
export type User = keyof typeof USERS;

/** Test data under GS1's demo prefix 952 (GCP 9521234, length 7); check digits computed by hand. */
export const GCP = '9521234';
export const GLN = {
  maker: '9521234000006',
  distributor: '9521234000013',
  pharmacy: '9521234000020',
  farPharmacy: '9521234000037',
} as const;
export const GTIN = '09521234543213';
export const CONTROLLED_GTIN = '09521234543220';
export const SSCC = ['095212340000000013', '095212340000000020', '095212340000000037'] as const;
export const sgtin = (serial: string, gtin = GTIN) =>
  `urn:epc:id:sgtin:${GCP}.${gtin[0]}${gtin.slice(8, 13)}.${serial}`;
export const sscc = (s: string) => `urn:epc:id:sscc:${GCP}.${s[0]}${s.slice(8, 17)}`;
export const sgln = (gln: string) => `urn:epc:id:sgln:${GCP}.${gln.slice(7, 12)}.0`;

export interface App {
  app: INestApplication;
  url: string;
  config: DrugTraceConfig;
  db: DataSource;
  call(
    user: User,
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: any; headers: Headers }>;
  restart(): Promise<void>;
  close(): Promise<void>;
}

const subjectOf = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).sub as string;
export const subjectFor = async (user: User) => subjectOf(await tokenFor(USERS[user]));

export async function startDrugTrace(env: Record<string, string> = {}): Promise<App> {
  loadStackEnv();
  const config = drugTraceConfig({
    ...process.env,
    PORT: '0',
    UHR_DATABASE: `uhr_drug_trace_test_${randomBytes(4).toString('hex')}`,
    UHR_DRUG_TRACE_ANCHOR_INTERVAL_MS: '200',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    ...env,
  });
  const boot = async () => {
    const app = await createServiceApp(DrugTraceModule.forRoot(config), config, DRUG_TRACE_APP_OPTIONS);
    await app.listen(0, '127.0.0.1');
    return app;
  };
  let app = await boot();
  const h: App = {
    app,
    url: (await app.getUrl()).replace('[::1]', '127.0.0.1'),
    config,
    db: app.get(DataSource),
    async call(user, method, path, body) {
      const res = await fetch(`${h.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${await tokenFor(USERS[user])}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
    },
    async restart() {
      await h.app.close();
      app = await boot();
      h.app = app;
      h.url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
      h.db = app.get(DataSource);
    },
    async close() {
      await h.app.close();
      const admin = new pg.Client({ connectionString: process.env.UHR_PG_URL });
      await admin.connect();
      try {
        await admin.query(`drop database if exists "${config.database}" with (force)`);
      } finally {
        await admin.end();
      }
    },
  };
  return h;
}

/** Parties, the manufacturer, two products (one controlled) and each party's sites, registered through the API. */
export async function seedMasterData(h: App): Promise<Record<'maker' | 'distributor' | 'pharmacy', string>> {
  const ids: Record<string, string> = {};
  for (const [who, role, gln] of [
    ['maker', 'manufacturer', GLN.maker],
    ['distributor', 'distributor', GLN.distributor],
    ['pharmacy', 'pharmacist', GLN.pharmacy],
  ] as const) {
    const r = await h.call('admin', 'POST', '/parties', {
      subject: await subjectFor(who),
      role,
      name: `${who} ltd`,
      gln,
    });
    expect(r.status).toBe(201);
    ids[who] = r.body.id;
  }
  expect(
    (
      await h.call('admin', 'POST', '/manufacturers', {
        partyId: ids.maker,
        gln: GLN.maker,
        name: 'Acme',
        companyPrefix: GCP,
      })
    ).status,
  ).toBe(201);
  const product = { manufacturerGln: GLN.maker, name: 'Paracetamol 500 mg', strength: '500 mg' };
  expect((await h.call('maker', 'POST', '/products', { ...product, gtin: GTIN })).status).toBe(201);
  const controlled = {
    ...product,
    gtin: CONTROLLED_GTIN,
    name: 'Oxycodone 10 mg',
    strength: '10 mg',
    schedule: 'II',
    substance: 'oxycodone',
  };
  expect((await h.call('maker', 'POST', '/products', controlled)).status).toBe(201);
  // Berlin factory, Hamburg warehouse (255 km), a Berlin pharmacy, and (registered below) a pharmacy in Madrid.
  const sites = [
    ['maker', GLN.maker, 52.52, 13.405],
    ['distributor', GLN.distributor, 53.5511, 9.9937],
    ['pharmacy', GLN.pharmacy, 52.5, 13.4],
    ['pharmacy', GLN.farPharmacy, 40.4168, -3.7038],
  ] as const;
  for (const [who, gln, latitude, longitude] of sites)
    expect((await h.call(who, 'POST', '/locations', { gln, name: `site ${gln}`, latitude, longitude })).status).toBe(
      201,
    );
  return ids as Record<'maker' | 'distributor' | 'pharmacy', string>;
}

export const CONTEXT = ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'];
export const epcisDocument = (events: unknown[]) => ({
  '@context': CONTEXT,
  type: 'EPCISDocument',
  schemaVersion: '2.0',
  creationDate: '2027-01-01T00:00:00Z',
  epcisBody: { eventList: events },
});

/** Event builders (times in 2027, UTC). */
export const at = (hours: number) => new Date(Date.UTC(2027, 0, 1) + hours * 3600_000).toISOString();
const base = (type: string, hours: number, gln: string) => ({
  type,
  eventTime: at(hours),
  eventTimeZoneOffset: '+00:00',
  readPoint: { id: sgln(gln) },
  bizLocation: { id: sgln(gln) },
});
export const commission = (serials: string[], hours = 0, lot = 'LOT1', expiry = '2029-12-31', gtin = GTIN) => ({
  ...base('ObjectEvent', hours, GLN.maker),
  epcList: serials.map((s) => sgtin(s, gtin)),
  action: 'ADD',
  bizStep: 'commissioning',
  disposition: 'active',
  ilmd: { 'cbvmda:lotNumber': lot, 'cbvmda:itemExpirationDate': expiry },
});
export const aggregate = (parent: string, children: string[], hours: number, gln: string, action = 'ADD') => ({
  ...base('AggregationEvent', hours, gln),
  parentID: parent,
  childEPCs: children,
  action,
  bizStep: action === 'ADD' ? 'packing' : 'unpacking',
});
export const ship = (epcs: string[], hours: number, from: string, to: string) => ({
  ...base('ObjectEvent', hours, from),
  epcList: epcs,
  action: 'OBSERVE',
  bizStep: 'shipping',
  disposition: 'in_transit',
  destinationList: [{ type: 'location', destination: sgln(to) }],
});
export const receive = (epcs: string[], hours: number, gln: string) => ({
  ...base('ObjectEvent', hours, gln),
  epcList: epcs,
  action: 'OBSERVE',
  bizStep: 'receiving',
  disposition: 'in_progress',
});
