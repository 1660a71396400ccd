import ExcelJS from 'exceljs';
import { verifyProof } from '@uhr/contracts';
import { aSchedule, anEntry, startBilling, type Billing } from './harness.js';

const csvOf = (rows: string[][]) =>
  rows.map((r) => r.map((c) => (c.includes(',') ? `"${c}"` : c)).join(',')).join('\n');
const OFFICIAL = [
  ['Code', 'Description', 'Unit', 'Ceiling per unit', 'Tax rate', 'Tax inclusive', 'Regime', 'Device details required'],
  ['KNEE-REV', 'Knee implant, revision', 'EACH', '1,13,950', '5', 'no', 'HARD_CAP', 'yes'],
  ['IBU-SUSP', 'Ibuprofen oral suspension', 'ML', '0.17935', '12', 'no', 'HARD_CAP', 'no'],
  ['BMS', 'Bare-metal stent', 'EACH', '10,692.69', '5', 'no', 'HARD_CAP', 'yes'],
];
const importBody = (format: 'csv' | 'xlsx', content: Buffer, over: Record<string, unknown> = {}) => ({
  instrument: 'S.O. 1488(E)',
  timeZone: 'Asia/Kolkata',
  currency: 'INR',
  effectiveFrom: '2025-04-01',
  recoveryInterestRate: '15',
  format,
  content: content.toString('base64'),
  ...over,
});
const count = async (b: Billing, table: string) =>
  Number((await b.db.query(`select count(*)::int as n from ${table}`))[0].n);

describe('price schedules (real PostgreSQL, Keycloak, anvil)', () => {
  let b: Billing;
  beforeAll(async () => {
    b = await startBilling();
  });
  afterAll(() => b?.close());

  it('a regulator publishes a version once; the same publication again creates nothing', async () => {
    const body = aSchedule();
    const first = await b.as('regulator-1')('POST', '/schedules', body);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ created: true, version: { entryCount: 2, instrument: body.instrument } });
    const again = await b.as('regulator-1')('POST', '/schedules', body);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ created: false, version: { id: first.body.version.id } });
  });

  it('the same publication sent three times at once is one version', async () => {
    const body = aSchedule({}, [anEntry({ code: 'RACE-1', ceilingPerUnit: '1.25' })]);
    const replies = await Promise.all([1, 2, 3].map(() => b.as('regulator-1')('POST', '/schedules', body)));
    expect(replies.map((r) => r.status).sort()).toEqual([200, 200, 201]);
    expect(new Set(replies.map((r) => r.body.version.id)).size).toBe(1);
  });

  it('only a regulator publishes', async () => {
    for (const user of ['provider-hospital', 'auditor-1', 'patient-alice']) {
      expect((await b.as(user)('POST', '/schedules', aSchedule())).status).toBe(403);
    }
  });

  it('refuses a second version in force for a code on the same days, and keeps nothing of it', async () => {
    const code = 'OVL-1';
    const ok = await b.as('regulator-1')(
      'POST',
      '/schedules',
      aSchedule({ effectiveTo: '2026-04-01' }, [anEntry({ code, ceilingPerUnit: '5' })]),
    );
    expect(ok.status).toBe(201);
    const versions = await count(b, 'schedule_versions');
    const overlapping = aSchedule({ effectiveFrom: '2025-10-01' }, [
      anEntry({ code: 'NEW-1', ceilingPerUnit: '1' }),
      anEntry({ code, ceilingPerUnit: '4' }),
    ]);
    const res = await b.as('regulator-1')('POST', '/schedules', overlapping);
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ error: 'ScheduleOverlap', details: { code } });
    expect(await count(b, 'schedule_versions')).toBe(versions);
    expect(
      Number((await b.db.query(`select count(*)::int as n from schedule_entries where code = 'NEW-1'`))[0].n),
    ).toBe(0);
  });

  it('a superseding version ends the old one the day it starts', async () => {
    const code = 'SUP-1';
    const v1 = await b.as('regulator-1')(
      'POST',
      '/schedules',
      aSchedule({}, [anEntry({ code, ceilingPerUnit: '2.50' })]),
    );
    const v2 = await b.as('regulator-1')(
      'POST',
      '/schedules',
      aSchedule({ effectiveFrom: '2026-04-01', supersedes: v1.body.version.id }, [
        anEntry({ code, ceilingPerUnit: '2.60' }),
      ]),
    );
    expect(v2.status).toBe(201);
    const ranges = await b.db.query(
      `select version_id, in_force::text from schedule_entries where code = $1 order by 2`,
      [code],
    );
    expect(ranges).toEqual([
      { version_id: v1.body.version.id, in_force: '[2025-04-01,2026-04-01)' },
      { version_id: v2.body.version.id, in_force: '[2026-04-01,)' },
    ]);
    // Superseding another regulator's version, or one that does not exist, is refused.
    const ghost = await b.as('regulator-1')(
      'POST',
      '/schedules',
      aSchedule({ supersedes: '00000000-0000-4000-8000-000000000000' }, [
        anEntry({ code: 'G-1', ceilingPerUnit: '1' }),
      ]),
    );
    expect(ghost.status).toBe(404);
    const early = await b.as('regulator-1')(
      'POST',
      '/schedules',
      aSchedule({ effectiveFrom: '2025-04-01', supersedes: v1.body.version.id }, [
        anEntry({ code: 'E-1', ceilingPerUnit: '1' }),
      ]),
    );
    expect(early.body).toMatchObject({ error: 'SupersedesTooEarly', details: { field: 'effectiveFrom' } });
  });

  it('imports an official CSV with Indian grouping and five decimals; the same file twice, or as XLSX, is one version', async () => {
    const csv = Buffer.from(csvOf(OFFICIAL));
    const first = await b.as('regulator-1')('POST', '/schedules/import', importBody('csv', csv));
    expect(first.status).toBe(201);
    const id = first.body.version.id as string;
    const rows = await b.db.query(
      `select code, ceiling_per_unit::text as c from schedule_entries where version_id = $1 order by code`,
      [id],
    );
    expect(rows).toEqual([
      { code: 'BMS', c: '10692.69000' },
      { code: 'IBU-SUSP', c: '0.17935' },
      { code: 'KNEE-REV', c: '113950.00000' },
    ]);
    expect((await b.as('regulator-1')('POST', '/schedules/import', importBody('csv', csv))).body).toMatchObject({
      created: false,
      version: { id },
    });
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Schedule I');
    OFFICIAL.forEach((r) => ws.addRow(r));
    const xlsx = Buffer.from(await wb.xlsx.writeBuffer());
    const asXlsx = await b.as('regulator-1')('POST', '/schedules/import', importBody('xlsx', xlsx));
    expect(asXlsx.body).toMatchObject({ created: false, version: { id } });
  });

  it('refuses a malformed list with every row and field at fault, and imports none of it', async () => {
    const before = await count(b, 'schedule_entries');
    const bad = [...OFFICIAL.map((r) => [...r])];
    bad[1]![0] = 'KNEE-REV-2';
    bad[1]![3] = '1,1395,0';
    bad[2]![2] = 'BOTTLE';
    bad.push(['BMS', 'again', 'EACH', '1', '5', 'no', 'HARD_CAP', 'yes']);
    const res = await b.as('regulator-1')(
      'POST',
      '/schedules/import',
      importBody('csv', Buffer.from(csvOf(bad)), { timeZone: 'Nowhere/City' }),
    );
    expect(res.status).toBe(422);
    expect(res.body.details.problems).toEqual([
      { row: 0, field: 'timeZone', reason: expect.any(String) },
      { row: 2, field: 'ceiling_per_unit', reason: expect.any(String) },
      { row: 3, field: 'unit', reason: expect.any(String) },
      { row: 5, field: 'code', reason: 'BMS already appears in row 4' },
    ]);
    expect(await count(b, 'schedule_entries')).toBe(before);
    const notCsv = await b.as('regulator-1')(
      'POST',
      '/schedules/import',
      importBody('xlsx', Buffer.from('plain text')),
    );
    expect(notCsv.status).toBe(422);
    const notBase64 = await b.as('regulator-1')('POST', '/schedules/import', {
      ...importBody('csv', Buffer.from('')),
      content: '%%%',
    });
    expect(notBase64.status).toBe(400);
  });

  it('anchors each version; an entry proves its inclusion against the chain', async () => {
    const pub = await b.as('regulator-1')(
      'POST',
      '/schedules',
      aSchedule({}, [
        anEntry({ code: 'PRF-1', ceilingPerUnit: '3.25' }),
        anEntry({ code: 'PRF-2', ceilingPerUnit: '0.5' }),
        anEntry({ code: 'PRF-3', ceilingPerUnit: '7' }),
      ]),
    );
    const v = pub.body.version;
    await b.anchoring.schedules.waitConfirmed([v.anchorEntryId], 60_000);
    const proof = await b.as('provider-hospital')('GET', `/schedules/${v.id}/entries/PRF-2/proof`);
    expect(proof.status).toBe(200);
    expect(proof.body).toMatchObject({
      verified: true,
      entry: { code: 'PRF-2', ceilingPerUnit: '0.5' },
      anchor: { status: 'confirmed', verifiedOnChain: true },
    });
    expect(verifyProof(proof.body.entriesRoot, proof.body.leaf, proof.body.proof)).toBe(true);
    const fhir = await b.as('patient-alice')('GET', `/schedules/${v.id}/entries/PRF-1`);
    expect(fhir.body).toMatchObject({
      resourceType: 'ChargeItemDefinition',
      effectivePeriod: { start: '2025-04-01' },
      propertyGroup: [
        {
          priceComponent: [
            { type: 'base', amount: { value: 3.25, currency: 'INR' } },
            { type: 'tax', factor: 0.12 },
            { type: 'informational' },
          ],
        },
      ],
    });
    expect((await b.as('patient-alice')('GET', `/schedules/${v.id}/entries/NOPE/proof`)).status).toBe(404);
    const page = await b.as('insurer-1')('GET', `/schedules/${v.id}/fhir?offset=1&count=1`);
    expect(page.body).toMatchObject({ resourceType: 'Bundle', type: 'searchset', total: 3 });
    expect(page.body.entry.map((e: any) => e.resource.code.coding[0].code)).toEqual(['PRF-2']);
  });

  it('a published version cannot be changed, even from inside the database', async () => {
    const [row] = await b.db.query(`select id from schedule_versions limit 1`);
    await expect(
      b.db.query(`update schedule_versions set instrument = 'forged' where id = $1`, [row.id]),
    ).rejects.toThrow(/immutable/);
    await expect(
      b.db.query(`update schedule_entries set ceiling_per_unit = 99 where version_id = $1`, [row.id]),
    ).rejects.toThrow(/immutable/);
  });
});
