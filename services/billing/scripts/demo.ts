// `npm run demo:billing` (root), against the running stack: a regulator publishes a schedule, a hospital's
// overpriced invoice is refused, a corrected one issued and verified by its QR payload, a revision takes
// effect at midnight in the regulator's zone, an auditor's flag refunds an overcharge with interest, and an
// insurer adjudicates under the patient's Consent grant. Uses the running billing service (UHR_BILLING_URL,
// default :3007) or, when none answers, one booted in this process on a throwaway database.
import { loadStackEnv, tokenFor } from '@uhr/platform/testing';
import { call, enrol, issueGrant, until, type Party, type Reply } from '../../records/demo/client.js';
import { bootLocalBilling } from '../bench/local-billing.js';

const env = loadStackEnv();
const say = (step: string, detail = '') => console.log(`\n▶ ${step}${detail ? `\n  ${detail}` : ''}`);

async function billingUrl(): Promise<{ url: string; close: () => Promise<void> }> {
  const url = env.UHR_BILLING_URL ?? 'http://127.0.0.1:3007';
  const live = await fetch(`${url}/health/live`).then(
    (r) => r.ok,
    () => false,
  );
  if (live) return { url, close: async () => undefined };
  console.log(`(no billing at ${url}: booting one in this process)`);
  return bootLocalBilling('uhr_billing_demo');
}

async function main() {
  const billing = await billingUrl();
  const as = (user: string) => async (method: string, path: string, body?: unknown) =>
    call(billing.url, await tokenFor(user), method, path, body);
  try {
    const { version, revision } = await publish(as('regulator-1'));
    const registrar = await tokenFor('registrar-1');
    const party = async (username: string, kind: 'patient' | 'third-party', system: string) =>
      enrol(env.UHR_REGISTRAR_URL!, registrar, { username, token: await tokenFor(username), kind, system });
    const alice = await party('patient-alice', 'patient', 'national-id');
    const insurer = await party('insurer-1', 'third-party', 'organisation-id');
    const invoiceId = await invoiceStory(as('provider-hospital'), billing.url, alice);
    await revisionStory(as('provider-hospital'), alice);
    await refundStory(as('provider-hospital'), as('auditor-1'), alice);
    await claimStory(as('insurer-1'), alice, insurer, invoiceId);
    say('done', `schedule ${version}, revision ${revision}`);
  } finally {
    await billing.close();
  }
}

/** Calls billing as one realm user. */
type As = (method: string, path: string, body?: unknown) => Promise<Reply>;

async function publish(regulator: As) {
  const tag = Date.now().toString(36).toUpperCase();
  const entry = (code: string, over: Record<string, unknown>) => ({
    code,
    unit: 'TABLET',
    taxInclusive: false,
    taxRate: '12',
    regime: 'HARD_CAP',
    deviceDetailsRequired: false,
    ...over,
  });
  const header = { timeZone: 'Asia/Kolkata', currency: 'INR', recoveryInterestRate: '15' };
  const v1 = await regulator('POST', '/schedules', {
    ...header,
    instrument: `S.O. 1488(E) demo ${tag}`,
    effectiveFrom: '2025-04-01',
    entries: [
      entry('PARA-500', {
        description: 'Paracetamol 500 mg tablet',
        ceilingPerUnit: '2.00',
        gtin: '08901234567890',
        unitsPerPack: '10',
      }),
      entry('DES', {
        description: 'Drug-eluting stent',
        unit: 'EACH',
        ceilingPerUnit: '38,933.14',
        taxRate: '5',
        deviceDetailsRequired: true,
      }),
      entry('ATORVA-10', {
        description: 'Atorvastatin 10 mg (reference price)',
        ceilingPerUnit: '5.00',
        regime: 'REFERENCE_PRICE',
      }),
    ],
  });
  if (v1.status >= 300) throw new Error(`publish: ${v1.status} ${JSON.stringify(v1.body)}`);
  say(
    'regulator published a schedule',
    `${v1.body.version.instrument}: ${v1.body.version.entryCount} entries from 2025-04-01 (IST), hash ${v1.body.version.versionHash}`,
  );
  const v2 = await regulator('POST', '/schedules', {
    ...header,
    instrument: `S.O. 1600(E) demo ${tag}`,
    effectiveFrom: '2026-04-01',
    supersedes: v1.body.version.id,
    entries: [entry('PARA-500', { ceilingPerUnit: '1.80' })],
  });
  say(
    'regulator published a revision',
    `${v2.body.version.instrument}: PARA-500 ₹1.80 from 2026-04-01 (IST), superseding the first`,
  );
  return { version: v1.body.version.id as string, revision: v2.body.version.id as string };
}

const para = (unitPrice: string) => ({ code: 'PARA-500', quantity: '10', unitPrice, taxRate: '12' });
const stent = {
  code: 'DES',
  quantity: '1',
  unitPrice: '38933.14',
  taxRate: '5',
  device: { batch: 'B1', brand: 'Flow', maker: 'Acme' },
};

async function invoiceStory(hospital: As, url: string, alice: Party): Promise<string> {
  // Billing learns of a new patient from the registrar's events (its identity directory): wait for it.
  await until('billing to know the patient', async () => {
    const r = await hospital('POST', '/invoices', {
      patientId: alice.identityId,
      currency: 'INR',
      invoicedAt: '2025-06-01T10:30:00+05:30',
      lines: [para('2.00')],
    });
    return r.status === 201 ? r : undefined;
  });
  const draft = await hospital('POST', '/invoices', {
    patientId: alice.identityId,
    currency: 'INR',
    invoicedAt: '2025-06-01T10:30:00+05:30',
    lines: [para('2.10'), stent, { code: 'ATORVA-10', quantity: '30', unitPrice: '6.00', taxRate: '12' }],
  });
  const f = draft.body.verdicts[0].findings[0];
  say(
    'hospital drafted an overpriced invoice',
    `line 1: ${f.code} by ₹${f.excess} — ${f.message} (${f.schedule.instrument})`,
  );
  const refused = await hospital('POST', `/invoices/${draft.body.id}/issue`);
  say(
    'issuing it was refused',
    `${refused.status} ${refused.body.error}: lines ${refused.body.details.lines.map((l: any) => l.line).join(', ')}`,
  );
  await hospital('PUT', `/invoices/${draft.body.id}/lines`, {
    lines: [para('2.00'), stent, { code: 'ATORVA-10', quantity: '30', unitPrice: '6.00', taxRate: '12' }],
  });
  const issued = await hospital('POST', `/invoices/${draft.body.id}/issue`);
  say('the corrected invoice was issued', `gross ₹${issued.body.totals.gross}, QR ${issued.body.qr}`);
  const verify = () =>
    fetch(`${url}/invoices/verify`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ invoiceId: issued.body.id, salt: issued.body.salt }),
    }).then((r) => r.json() as Promise<any>);
  const v = await until('the invoice anchored', async () =>
    (await verify()).status === 'VALID' ? verify() : undefined,
  );
  say(
    'anyone with the QR verified it',
    `${v.status}: Anchors batch ${v.proof.batchIndex}, tx ${v.proof.anchorTxHash}, verifiedOnChain ${v.proof.verifiedOnChain}`,
  );
  const wrong = await fetch(`${url}/invoices/verify`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ invoiceId: issued.body.id, salt: '0'.repeat(32) }),
  }).then((r) => r.json() as Promise<any>);
  say('a forged QR (wrong salt) does not verify', wrong.status);
  return issued.body.id;
}

async function revisionStory(hospital: As, alice: Party) {
  const at = async (invoicedAt: string) =>
    (
      await hospital('POST', '/invoices', {
        patientId: alice.identityId,
        currency: 'INR',
        invoicedAt,
        lines: [para('1.90')],
      })
    ).body.verdicts[0];
  const before = await at('2026-03-31T23:59:59+05:30');
  const after = await at('2026-04-01T00:00:00+05:30');
  say(
    'the revision took effect at midnight IST',
    `₹1.90 a tablet on 31 Mar 23:59: ${before.status} (${before.schedule.instrument}); on 1 Apr 00:00: ${after.status}, excess ₹${after.excess} (${after.schedule.instrument})`,
  );
}

async function refundStory(hospital: As, auditor: As, alice: Party) {
  const draft = await hospital('POST', '/invoices', {
    patientId: alice.identityId,
    currency: 'INR',
    invoicedAt: '2025-06-01T10:30:00+05:30',
    lines: [stent],
  });
  await hospital('POST', `/invoices/${draft.body.id}/issue`);
  const note = await auditor('POST', `/invoices/${draft.body.id}/flags`, {
    reason: 'label MRP was ₹40,000',
    corrections: [{ line: 1, labelMrp: '40000.00' }],
  });
  say(
    'an auditor found an overcharge after issue',
    `credit note ${note.body.id}: excess ₹${note.body.lines[0].excess} + 15% interest ₹${note.body.lines[0].interest} = ₹${note.body.totals.gross}; hospital and patient notified`,
  );
}

async function claimStory(insurerAs: As, alice: Party, insurer: Party, invoiceId: string) {
  const denied = await insurerAs('POST', '/claims', { invoiceId });
  say('the insurer, without a grant, sees nothing', `${denied.status} ${denied.body.error}`);
  await issueGrant(env.UHR_CONSENT_URL!, alice, insurer, { recordIds: [invoiceId], purpose: 'billing' });
  const claim = await insurerAs('POST', '/claims', { invoiceId });
  const total = Object.fromEntries(
    claim.body.claimResponse.total.map((t: any) => [t.category.coding[0].code, t.amount.value]),
  );
  say('with the patient grant it adjudicated the claim (FHIR ClaimResponse)', JSON.stringify(total));
}

await main();
