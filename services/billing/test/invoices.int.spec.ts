import { resolve } from '../../notifications/src/catalogue/domain/catalogue.js';
import { aSchedule, anEntry, enrolPatient, refundOnKafka, startBilling, type Billing } from './harness.js';
import type { Party } from '../../records/demo/client.js';

// The demo's story on the real servers. Fixture ceilings (invented): PARA-500 ₹2.00/tablet + 12% from
// 1 Apr 2025 (a strip of 10 = GTIN 08901234567890), revised to ₹1.80 from 1 Apr 2026 (IST); DES stent
// ₹38,933.14 + 5%, batch/brand/maker required.
const para = (unitPrice: string, quantity = '10') => ({ code: 'PARA-500', quantity, unitPrice, taxRate: '12' });
const stent = {
  code: 'DES',
  quantity: '1',
  unitPrice: '38933.14',
  taxRate: '5',
  device: { batch: 'B1', brand: 'Flow', maker: 'Acme' },
};

describe('invoices (real PostgreSQL, Kafka, Keycloak, anvil, registrar)', () => {
  let b: Billing;
  let alice: Party;
  let bob: Party;
  let draftFor: (lines: unknown[], over?: Record<string, unknown>) => Promise<any>;

  beforeAll(async () => {
    b = await startBilling();
    // One after the other: Keycloak's brute-force guard may refuse concurrent logins of one user (registrar-1).
    alice = await enrolPatient(b, 'patient-alice');
    bob = await enrolPatient(b, 'patient-bob');
    const v1 = await b.as('regulator-1')('POST', '/schedules', aSchedule({ instrument: 'S.O. 1488(E)' }));
    expect(v1.status).toBe(201);
    const revision = aSchedule(
      { instrument: 'S.O. 1600(E)', effectiveFrom: '2026-04-01', supersedes: v1.body.version.id },
      [anEntry({ code: 'PARA-500', ceilingPerUnit: '1.80' })],
    );
    expect((await b.as('regulator-1')('POST', '/schedules', revision)).status).toBe(201);
    draftFor = async (lines, over = {}) => {
      const res = await b.as('provider-hospital')('POST', '/invoices', {
        patientId: alice.identityId,
        currency: 'INR',
        invoicedAt: '2025-06-01T10:30:00+05:30',
        lines,
        ...over,
      });
      expect(res.status).toBe(201);
      return res.body;
    };
  });
  afterAll(() => b?.close());

  it('refuses an overpriced invoice line by line, issues the corrected one, and anyone with the QR verifies it', async () => {
    const draft = await draftFor([para('2.10'), stent]);
    expect(draft.verdicts[0]).toMatchObject({
      status: 'REFUSED',
      excess: '1.12',
      schedule: { instrument: 'S.O. 1488(E)' },
    });
    expect(draft.verdicts[0].findings).toEqual([expect.objectContaining({ code: 'ABOVE_CEILING', excess: '1.12' })]);
    const refused = await b.as('provider-hospital')('POST', `/invoices/${draft.id}/issue`);
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({
      error: 'InvoiceRefused',
      details: { lines: [{ line: 1, findings: [{ code: 'ABOVE_CEILING' }] }] },
    });

    const fixed = await b.as('provider-hospital')('PUT', `/invoices/${draft.id}/lines`, {
      lines: [para('2.00'), stent],
    });
    expect(fixed.body.verdicts.map((v: any) => v.status)).toEqual(['ACCEPTED', 'ACCEPTED']);
    const issued = await b.as('provider-hospital')('POST', `/invoices/${draft.id}/issue`);
    expect(issued.status).toBe(200);
    // 22.40 + (38,933.14 + 5% = 1,946.657 → 1,946.66) = 22.40 + 40,879.80 = 40,902.20.
    expect(issued.body).toMatchObject({
      status: 'ISSUED',
      totals: { net: '38953.14', tax: '1949.06', gross: '40902.20' },
    });
    const [, id, salt] = /^uhr-invoice:v1:([0-9a-f-]+):([0-9a-f]+)$/.exec(issued.body.qr)!;

    await b.anchoring.invoices.waitConfirmed([issued.body.anchorEntryId], 60_000);
    const v = await fetch(`${b.url}/invoices/verify`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ invoiceId: id, salt }),
    });
    expect(v.status).toBe(200);
    expect(await v.json()).toMatchObject({
      status: 'VALID',
      totals: { gross: '40902.20' },
      proof: { status: 'confirmed', verifiedOnChain: true },
    });

    // Issued is final: no new lines, no second issue.
    expect((await b.as('provider-hospital')('PUT', `/invoices/${id}/lines`, { lines: [para('1.00')] })).status).toBe(
      422,
    );
    expect((await b.as('provider-hospital')('POST', `/invoices/${id}/issue`)).status).toBe(409);
  });

  it('detects an invoice altered after issue, and a wrong salt', async () => {
    const issued = await b.as('provider-hospital')('POST', `/invoices/${(await draftFor([para('1.50')])).id}/issue`);
    const [, id, salt = ''] = /^uhr-invoice:v1:([0-9a-f-]+):([0-9a-f]+)$/.exec(issued.body.qr)!;
    const verify = (s: string) => b.as('auditor-1')('POST', '/invoices/verify', { invoiceId: id, salt: s });
    expect(['VALID', 'PENDING_ANCHOR']).toContain((await verify(salt)).body.status);
    expect((await verify('0'.repeat(32))).body.status).toBe('HASH_MISMATCH');
    // Someone with database access lowers the recorded price (bypassing the freeze trigger).
    await b.db.transaction(async (m) => {
      await m.query(`set local session_replication_role = replica`);
      await m.query(`update invoices set lines = jsonb_set(lines, '{0,unitPrice}', '"1.00"') where id = $1`, [id]);
    });
    expect((await verify(salt)).body).toMatchObject({ status: 'HASH_MISMATCH' });
    // The freeze itself: an ordinary update of an issued invoice fails.
    await expect(b.db.query(`update invoices set category = 'x' where id = $1`, [id])).rejects.toThrow(/credit notes/);
  });

  it('applies the price in force on the invoice date: the revision binds old stock from midnight IST', async () => {
    // 10 tablets at ₹1.90: within ₹2.00 on 31 Mar 2026 23:59 IST; above ₹1.80 at 1 Apr 00:00 IST (18:30 UTC):
    // 19.00 × 1.12 = 21.28 vs 18.00 × 1.12 = 20.16 → excess 1.12.
    const before = await draftFor([para('1.90')], { invoicedAt: '2026-03-31T18:29:59Z' });
    expect(before.verdicts[0]).toMatchObject({ status: 'ACCEPTED', schedule: { instrument: 'S.O. 1488(E)' } });
    const after = await draftFor([para('1.90')], { invoicedAt: '2026-03-31T18:30:00Z' });
    expect(after.verdicts[0]).toMatchObject({
      status: 'REFUSED',
      excess: '1.12',
      schedule: { instrument: 'S.O. 1600(E)' },
    });
  });

  it('answers bad lines with their verdict and bad input with 4xx naming the field', async () => {
    const d = await draftFor([
      para('2.00', '2.5'),
      { code: 'NOPE', quantity: '1', unitPrice: '1', taxRate: '12' },
      // 10 × 1.80 × 1.18 = 21.24: within the ceiling (22.40), but 18% is not the rate that applies.
      { ...para('1.80'), taxRate: '18' },
      { ...stent, device: { batch: 'B1' } },
      { gtin: '08901234567890', quantity: '1.5', unitPrice: '19.90', taxRate: '12' },
    ]);
    expect(d.verdicts.map((v: any) => v.findings.map((f: any) => f.code))).toEqual([
      ['INVALID_QUANTITY'],
      ['UNKNOWN_CODE'],
      ['TAX_RATE_MISMATCH'],
      ['DEVICE_DETAILS_MISSING'],
      ['INVALID_QUANTITY'],
    ]);
    const usd = await draftFor([para('2.00')], { currency: 'USD' });
    expect(usd.verdicts[0].findings[0].code).toBe('CURRENCY_MISMATCH');
    const post = (body: unknown) => b.as('provider-hospital')('POST', '/invoices', body);
    const base = {
      patientId: alice.identityId,
      currency: 'INR',
      invoicedAt: '2025-06-01T10:30:00Z',
      lines: [para('2.00')],
    };
    const badQty = await post({ ...base, lines: [{ ...para('2.00'), quantity: 'ten' }] });
    expect(badQty.status).toBe(400);
    expect(JSON.stringify(badQty.body)).toContain('lines.0.quantity');
    expect((await post({ ...base, lines: [{ ...para('2.00'), unitPrice: 2 }] })).status).toBe(400);
    expect((await post({ ...base, invoicedAt: 'yesterday' })).status).toBe(400);
    // Dated ahead to reach a price not yet in force: refused.
    const ahead = await post({ ...base, invoicedAt: new Date(Date.now() + 86_400_000).toISOString() });
    expect(ahead).toMatchObject({
      status: 422,
      body: { error: 'InvoiceDatedAhead', details: { field: 'invoicedAt' } },
    });
    const ghost = await post({ ...base, patientId: '00000000-0000-4000-8000-000000000000' });
    expect(ghost).toMatchObject({ status: 422, body: { error: 'UnknownPatient' } });
  });

  it('shows an invoice to its hospital, its patient and auditors only (BOLA)', async () => {
    const inv = await draftFor([para('2.00')]);
    const get = (user: string) => b.as(user)('GET', `/invoices/${inv.id}`);
    expect((await get('provider-hospital')).status).toBe(200);
    expect((await get('patient-alice')).status).toBe(200);
    expect((await get('auditor-1')).status).toBe(200);
    expect((await get('provider-clinic')).status).toBe(404);
    expect((await get('patient-bob')).status).toBe(404);
    expect((await get('insurer-1')).status).toBe(403);
    expect((await get('regulator-1')).status).toBe(403);
    expect((await b.as('patient-alice')('GET', `/invoices/${inv.id}/fhir`)).body).toMatchObject({
      resourceType: 'Invoice',
    });
    expect((await b.as('patient-bob')('GET', `/invoices/${inv.id}/fhir`)).status).toBe(404);
    expect((await b.as('provider-clinic')('POST', `/invoices/${inv.id}/issue`)).status).toBe(404);
    expect((await b.as('provider-clinic')('PUT', `/invoices/${inv.id}/lines`, { lines: [para('1')] })).status).toBe(
      404,
    );
    const mine = (user: string) =>
      b
        .as(user)('GET', '/invoices')
        .then((r) => r.body.map((i: any) => i.id));
    expect(await mine('patient-alice')).toContain(inv.id);
    expect(await mine('patient-bob')).not.toContain(inv.id);
    expect(await mine('provider-clinic')).not.toContain(inv.id);
    // Bob's own invoice is his, and not Alice's.
    const bobs = await draftFor([para('2.00')], { patientId: bob.identityId });
    expect(await mine('patient-bob')).toContain(bobs.id);
  });

  it('refunds an overcharge found after issue by a credit note with 15% interest, once, and says so on Kafka', async () => {
    // A stent billed under an unscheduled-looking code would be UNKNOWN; here the hospital billed the stent
    // with a label MRP it misstated. The auditor corrects the MRP to ₹40,000 (incl. tax): the line's gross
    // 40,879.80 (38,933.14 + 5%) is above by 879.797 → 879.80; the ceiling itself allows 40,879.797.
    const inv = await draftFor([stent]);
    const issued = await b.as('provider-hospital')('POST', `/invoices/${inv.id}/issue`);
    expect(issued.status).toBe(200);
    expect((await b.as('patient-bob')('POST', `/invoices/${inv.id}/flags`, { reason: 'not mine' })).status).toBe(404);
    const flag = await b.as('auditor-1')('POST', `/invoices/${inv.id}/flags`, {
      reason: 'MRP on the pack is ₹40,000',
      corrections: [{ line: 1, labelMrp: '40000.00' }],
    });
    expect(flag.status).toBe(201);
    expect(flag.body).toMatchObject({ kind: 'CREDIT_NOTE', status: 'ISSUED', credits: inv.id });
    expect(flag.body.lines[0]).toMatchObject({ refundsLine: 1, excess: '879.80' });
    // The credit note is anchored and verifiable like an invoice.
    await b.anchoring.invoices.waitConfirmed([flag.body.anchorEntryId], 60_000);
    const note = await b.as('patient-alice')('POST', '/invoices/verify', {
      invoiceId: flag.body.id,
      salt: flag.body.salt,
    });
    expect(note.body).toMatchObject({
      status: 'VALID',
      kind: 'CREDIT_NOTE',
      totals: { gross: flag.body.totals.gross },
    });
    // Interest from 1 Jun 2025 to today at 15% a year, simple: 879.80 × 0.15 × days / 365, rounded up. "Today" is
    // the regulator's (Asia/Kolkata): from 18:30 UTC it is already tomorrow there.
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Kolkata' }).format(new Date());
    const days = Math.round((Date.parse(today) - Date.parse('2025-06-01')) / 86_400_000);
    const interest = Math.ceil((87980 * 15 * days) / 36500) / 100;
    expect(Number(flag.body.lines[0].interest)).toBeCloseTo(interest, 2);
    expect(
      (
        await b.as('auditor-1')('POST', `/invoices/${inv.id}/flags`, {
          reason: 'again',
          corrections: [{ line: 1, labelMrp: '40000.00' }],
        })
      ).status,
    ).toBe(409);
    const events = await b.db.query(`select type, payload from uhr_events where type = 'billing.OverchargeRefunded'`);
    expect(events).toEqual([
      expect.objectContaining({
        payload: expect.objectContaining({ invoiceId: inv.id, excess: '879.80', patientSubject: alice.subject }),
      }),
    ]);
    // Nothing to refund on an invoice within every cap.
    const clean = await b.as('provider-hospital')('POST', `/invoices/${(await draftFor([para('2.00')])).id}/issue`);
    expect(
      (await b.as('patient-alice')('POST', `/invoices/${clean.body.id}/flags`, { reason: 'check' })).body,
    ).toMatchObject({ error: 'NoOvercharge' });
  });

  it('issues a draft once when two requests race', async () => {
    const inv = await draftFor([para('2.00')]);
    const issue = () => b.as('provider-hospital')('POST', `/invoices/${inv.id}/issue`);
    const statuses = (await Promise.all([issue(), issue(), issue()])).map((r) => r.status).sort();
    expect(statuses).toEqual([200, 409, 409]);
    const [row] = await b.db.query(
      `select count(*)::int as n from uhr_events where stream_id = $1 and type = 'billing.InvoiceIssued'`,
      [`invoice-${inv.id}`],
    );
    expect(row.n).toBe(1);
  });

  it('loses no issued invoice across a restart before its anchor is cut', async () => {
    await b.restart({ workers: false });
    const inv = await draftFor([para('2.00')]);
    const issued = await b.as('provider-hospital')('POST', `/invoices/${inv.id}/issue`);
    expect((await b.anchoring.invoices.proofOf(issued.body.anchorEntryId))?.status).toBe('waiting');
    await b.restart();
    await b.anchoring.invoices.waitConfirmed([issued.body.anchorEntryId], 60_000);
    const v = await b.as('patient-alice')('POST', '/invoices/verify', { invoiceId: inv.id, salt: issued.body.salt });
    expect(v.body.status).toBe('VALID');
  });

  it('tells the regulator who overcharges, per hospital and month', async () => {
    const res = await b.as('regulator-1')('GET', '/analytics/overcharges?from=2025-01&to=2026-12');
    expect(res.status).toBe(200);
    const june = res.body.months.find((m: any) => m.month === '2025-06' && m.flagged > 0);
    expect(june).toMatchObject({ currency: 'INR', flagged: 1, excess: '879.80' });
    expect(res.body.worst[0]).toMatchObject({ provider: june.provider, excess: '879.80' });
    expect((await b.as('provider-hospital')('GET', '/analytics/overcharges?from=2025-01&to=2026-12')).status).toBe(403);
    expect((await b.as('regulator-1')('GET', '/analytics/overcharges?from=2025&to=2026-12')).status).toBe(400);
  });
});
