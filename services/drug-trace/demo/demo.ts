// `npm run demo:drug-trace` (root), against the running drug-trace service (UHR_DRUG_TRACE_URL, default :3005):
// a pack's journey factory → warehouse → pharmacy → patient, a recall, and a counterfeit being caught.
import { randomBytes } from 'node:crypto';
import { loadStackEnv, tokenFor } from '@uhr/platform/testing';
import { GCP, GLN, GTIN, registerMasterData, sgln } from './master-data.js';

const env = loadStackEnv();
const BASE = env.UHR_DRUG_TRACE_URL ?? 'http://127.0.0.1:3005';
const run = randomBytes(3).toString('hex').toUpperCase();
const serial = (n: number) => `D${run}${n}`;
const sgtin = (n: number) => `urn:epc:id:sgtin:${GCP}.054321.${serial(n)}`;
const CASE = `urn:epc:id:sscc:${GCP}.${Math.floor(Math.random() * 1e9)
  .toString()
  .padStart(10, '0')}`;

async function call(user: string, method: string, path: string, body?: unknown, okStatuses = [200, 201, 202]) {
  const res = await fetch(`${BASE}${path}`, {
    method,
    headers: { authorization: `Bearer ${await tokenFor(user)}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json().catch(() => ({}))) as Record<string, any>;
  if (!okStatuses.includes(res.status)) throw new Error(`${method} ${path} → ${res.status} ${JSON.stringify(json)}`);
  return { status: res.status, body: json };
}

const event = (type: string, minutes: number, gln: string, more: Record<string, unknown>) => ({
  type,
  eventTime: new Date(Date.now() - (600 - minutes) * 60_000).toISOString(),
  eventTimeZoneOffset: '+00:00',
  readPoint: { id: sgln(gln) },
  bizLocation: { id: sgln(gln) },
  ...more,
});
const doc = (events: unknown[]) => ({
  '@context': ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'],
  type: 'EPCISDocument',
  schemaVersion: '2.0',
  creationDate: new Date().toISOString(),
  epcisBody: { eventList: events },
});
const ship = (minutes: number, from: string, to: string) =>
  event('ObjectEvent', minutes, from, {
    epcList: [CASE],
    action: 'OBSERVE',
    bizStep: 'shipping',
    destinationList: [{ type: 'location', destination: sgln(to) }],
  });
const receive = (minutes: number, at: string) =>
  event('ObjectEvent', minutes, at, { epcList: [CASE], action: 'OBSERVE', bizStep: 'receiving' });

async function journey() {
  const packs = [1, 2, 3].map(sgtin);
  const factory = await call(
    'manufacturer-1',
    'POST',
    '/capture',
    doc([
      event('ObjectEvent', 0, GLN.maker, {
        epcList: packs,
        action: 'ADD',
        bizStep: 'commissioning',
        ilmd: { 'cbvmda:lotNumber': `L${run}`, 'cbvmda:itemExpirationDate': '2030-12-31' },
      }),
      event('AggregationEvent', 10, GLN.maker, { parentID: CASE, childEPCs: packs, action: 'ADD', bizStep: 'packing' }),
      ship(20, GLN.maker, GLN.warehouse),
    ]),
  );
  console.log(`1. factory: 3 packs commissioned, packed into a case, shipped — capture job ${factory.body.captureID}`);
  await call(
    'distributor-1',
    'POST',
    '/capture',
    doc([receive(200, GLN.warehouse), ship(240, GLN.warehouse, GLN.pharmacy)]),
  );
  console.log('2. warehouse: case received (its packs with it) and shipped on to the pharmacy');
  await call('pharmacist-1', 'POST', '/capture', doc([receive(400, GLN.pharmacy)]));
  const v = await call('pharmacist-1', 'POST', '/verify', {
    identity: { gtin: GTIN, serial: serial(1), lot: `L${run}`, expiry: '2030-12-31' },
    location: GLN.pharmacy,
  });
  console.log(`3. pharmacy: case received; scan of pack 1 → ${v.body.code} (sellable: ${v.body.sellable})`);
  await call('pharmacist-1', 'POST', '/packs/decommission', {
    identity: { gtin: GTIN, serial: serial(1) },
    to: 'supplied',
    location: GLN.pharmacy,
  });
  const history = await call('pharmacist-1', 'GET', `/epcs/${encodeURIComponent(sgtin(1))}/events`);
  const steps = history.body.epcisBody.queryResults.resultsBody.eventList.map((e: { bizStep: string }) => e.bizStep);
  console.log(`4. dispensed to a patient; the pharmacy's view of the pack's custody: ${steps.join(' → ')}`);
}

async function recall() {
  const r = await call('manufacturer-1', 'POST', '/recalls', {
    gtin: GTIN,
    lot: `L${run}`,
    reason: 'demo: out-of-specification dissolution',
  });
  const report = await call('manufacturer-1', 'GET', `/recalls/${r.body.id}/report`);
  const v = await call('pharmacist-1', 'POST', '/verify', { identity: { gtin: GTIN, serial: serial(2) } });
  console.log(
    `5. recall of lot L${run}: ${report.body.packsAffected} packs, ${report.body.dispensed} already dispensed; the pharmacy's next scan → ${v.body.code} (custodians told via notifications)`,
  );
}

async function counterfeit() {
  const copy = await call(
    'pharmacist-1',
    'POST',
    '/packs/decommission',
    { identity: { gtin: GTIN, serial: serial(1) }, to: 'supplied', location: GLN.pharmacy },
    [409],
  );
  console.log(`6. a counterfeit carrying pack 1's serial is scanned for sale → refused: ${copy.body.message}`);
  const fake = await call('pharmacist-1', 'POST', '/verify', {
    identity: { gtin: GTIN, serial: `FAKE${run}`, lot: `L${run}` },
  });
  const alerts = (await call('auditor-1', 'GET', '/alerts?limit=5')).body.alerts as Array<{
    rule: string;
    summary: string;
  }>;
  console.log(
    `7. a made-up serial → ${fake.body.code} (EMVS ${fake.body.emvsAlert}); auditors see: ${alerts.map((a) => a.rule).join(', ')}`,
  );
}

await registerMasterData(call);
await journey();
await recall();
await counterfeit();
