import { chainIdOf } from '@uhr/platform';
import { loadStackEnv, waitFor } from '@uhr/platform/testing';
import { issueGrant, type Party } from '../../records/demo/client.js';
import { aSchedule, anEntry, enrolPatient, startBilling, startConsent, type Billing } from './harness.js';

// An insurer adjudicates only what the patient's grant on the Consent contract covers (granted through the
// running consent service, signed by the patient's key).
describe('insurer claims (real Consent contract, consent service, registrar)', () => {
  let b: Billing;
  let alice: Party;
  let insurer: Party;
  let invoiceId: string;

  beforeAll(async () => {
    b = await startBilling();
    alice = await enrolPatient(b, 'patient-alice');
    insurer = await enrolPatient(b, 'insurer-1', 'third-party');
    const schedule = aSchedule({}, [
      anEntry({ code: 'PARA-500', ceilingPerUnit: '2.00' }),
      anEntry({ code: 'ATORVA-10', ceilingPerUnit: '5.00', regime: 'REFERENCE_PRICE' }),
    ]);
    expect((await b.as('regulator-1')('POST', '/schedules', schedule)).status).toBe(201);
    const draft = await b.as('provider-hospital')('POST', '/invoices', {
      patientId: alice.identityId,
      currency: 'INR',
      invoicedAt: '2025-06-01T10:30:00+05:30',
      lines: [
        { code: 'PARA-500', quantity: '10', unitPrice: '2.00', taxRate: '12' },
        { code: 'ATORVA-10', quantity: '30', unitPrice: '6.00', taxRate: '12' },
      ],
    });
    const issued = await b.as('provider-hospital')('POST', `/invoices/${draft.body.id}/issue`);
    expect(issued.status).toBe(200);
    invoiceId = issued.body.id;
  });
  afterAll(() => b?.close());

  it('without a grant the insurer learns nothing; with the patient grant it gets a ClaimResponse', async () => {
    const claim = () => b.as('insurer-1')('POST', '/claims', { invoiceId });
    expect((await claim()).status).toBe(404);
    expect((await b.as('insurer-1')('GET', `/invoices/${invoiceId}`)).status).toBe(403);

    const grant = await issueGrant(loadStackEnv().UHR_CONSENT_URL!, alice, insurer, {
      recordIds: [invoiceId],
      purpose: 'billing',
    });
    const res = await claim();
    expect(res.status).toBe(201);
    expect(res.body.grantId).toBe(chainIdOf(grant.id));
    const r = res.body.claimResponse;
    const codes = (adj: any[]) => Object.fromEntries(adj.map((a) => [a.category.coding[0].code, a.amount.value]));
    // PARA: 22.40 billed = allowed. ATORVA (reference price): 30 × 6.00 × 1.12 = 201.60 billed, 30 × 5.00 × 1.12 =
    // 168.00 allowed, the patient pays 33.60. Totals: 224.00 submitted, 190.40 eligible.
    expect(codes(r.item[1].adjudication)).toMatchObject({ submitted: 201.6, eligible: 168, copay: 33.6 });
    expect(codes(r.total)).toMatchObject({
      submitted: 224,
      eligible: 190.4,
      benefit: 190.4,
      copay: 33.6,
      disallowed: 0,
    });

    // The same claim again is the same adjudication; only its insurer reads it back.
    const again = await claim();
    expect(again.body.claimId).toBe(res.body.claimId);
    expect((await b.as('insurer-1')('GET', `/claims/${res.body.claimId}`)).status).toBe(200);
    expect((await b.as('provider-hospital')('GET', `/claims/${res.body.claimId}`)).status).toBe(403);
    // A grant for another invoice does not reach this one; a forged grant id is refused.
    const named = await b.as('insurer-1')('POST', '/claims', { invoiceId, grantId: res.body.grantId });
    expect(named.body.claimId).toBe(res.body.claimId);
    const bogus = '0x' + 'ab'.repeat(32);
    expect((await b.as('insurer-1')('POST', '/claims', { invoiceId, grantId: bogus })).status).toBe(404);
    expect(
      (await b.as('insurer-1')('POST', '/claims', { invoiceId: '00000000-0000-4000-8000-000000000000' })).status,
    ).toBe(404);
    expect((await b.as('insurer-1')('POST', '/claims', { invoiceId: 'not-a-uuid' })).status).toBe(400);
  });

  it("a grant for the category 'billing' reaches every invoice of that patient, and no other patient's", async () => {
    const consent = await startConsent();
    try {
      const second = await issueInvoice(b, alice.identityId);
      const bobs = await issueInvoice(b, (await enrolPatient(b, 'patient-bob')).identityId);
      expect((await b.as('insurer-1')('POST', '/claims', { invoiceId: second })).status).toBe(404);
      // Alice's grant through consent (in-process: this branch's consent knows the billing category).
      await waitFor(
        'consent to know alice and the insurer',
        async () => {
          try {
            return await issueGrant(consent.url, alice, insurer, { categories: ['billing'], purpose: 'billing' });
          } catch (err) {
            if (/UnknownIdentity|not registered|404/i.test(String(err))) return undefined;
            throw err;
          }
        },
        { timeoutMs: 60_000 },
      );
      expect((await b.as('insurer-1')('POST', '/claims', { invoiceId: second })).status).toBe(201);
      expect((await b.as('insurer-1')('POST', '/claims', { invoiceId: bobs })).status).toBe(404);
    } finally {
      await consent.close();
    }
  });
});

async function issueInvoice(b: Billing, patientId: string): Promise<string> {
  const lines = [{ code: 'PARA-500', quantity: '10', unitPrice: '2.00', taxRate: '12' }];
  const draft = await b.as('provider-hospital')('POST', '/invoices', {
    patientId,
    currency: 'INR',
    invoicedAt: '2025-07-01T10:00:00Z',
    lines,
  });
  const issued = await b.as('provider-hospital')('POST', `/invoices/${draft.body.id}/issue`);
  expect(issued.status).toBe(200);
  return issued.body.id as string;
}
