import { randomBytes, randomInt } from 'node:crypto';
import { gs1CheckDigit } from '@uhr/platform';
import { waitFor } from '@uhr/platform/testing';
import { seedMasterData, startDrugTrace, type App as DrugTrace } from '../../drug-trace/test/harness.js';
import type { Party } from '../../records/demo/client.js';
import { aSchedule, anEntry, enrolPatient, startBilling, type Billing } from './harness.js';

// drug-trace in-process (its own database) publishes ProductRegistered through its outbox to the shared Kafka;
// billing (its own database, its own consumer group) maps the packs. Codes and GTINs are new each run, so the
// products earlier runs left on the topic name no entry of this run's schedule and are passed over.
const gtinUnder9521234 = () => {
  const body = `09521234${String(randomInt(0, 100_000)).padStart(5, '0')}`;
  return `${body}${gs1CheckDigit(body)}`;
};
const csvOf = (rows: string[][]) => rows.map((r) => r.join(',')).join('\n');

describe('pack barcodes from drug-trace master data (real PostgreSQL, Kafka, Keycloak, anvil, registrar)', () => {
  let b: Billing;
  let dt: DrugTrace;
  let alice: Party;
  const run = randomBytes(3).toString('hex').toUpperCase();
  const tablets = `PZN-${run}-T`;
  const syrup = `PZN-${run}-S`;
  const strip = gtinUnder9521234();
  let imported: string;
  do imported = gtinUnder9521234();
  while (imported === strip);

  const mapping = async (gtin: string) =>
    (
      (await b.db.query('select code, units_per_pack::int as units, source from pack_mappings where gtin = $1', [
        gtin,
      ])) as Array<{ code: string; units: number; source: string }>
    )[0];
  const register = async (over: Record<string, unknown>) => {
    const res = await dt.call('maker', 'POST', '/products', {
      manufacturerGln: '9521234000006',
      name: 'Paracetamol 500 mg',
      strength: '500 mg',
      ...over,
    });
    expect(res.status).toBe(201);
    return res.body;
  };

  beforeAll(async () => {
    b = await startBilling();
    dt = await startDrugTrace();
    await seedMasterData(dt);
    alice = await enrolPatient(b, 'patient-alice');
    const schedule = aSchedule({}, [
      anEntry({ code: tablets, ceilingPerUnit: '3.00' }),
      anEntry({ code: syrup, unit: 'ML', ceilingPerUnit: '0.50', gtin: imported, unitsPerPack: '100' }),
    ]);
    expect((await b.as('regulator-1')('POST', '/schedules', schedule)).status).toBe(201);
  });
  afterAll(async () => {
    await dt?.close();
    await b?.close();
  });

  it('a product registered in drug-trace is a pack mapping in billing, and a line by its GTIN is priced per pack', async () => {
    const product = await register({ gtin: strip, nationalCode: tablets, unitsPerPack: 20 });
    expect(product).toMatchObject({ gtin: strip, unitsPerPack: 20 });
    expect(await waitFor('the strip mapped in billing', () => mapping(strip), { timeoutMs: 60_000 })).toEqual({
      code: tablets,
      units: 20,
      source: 'drug-trace',
    });
    const draft = async (unitPrice: string) => {
      const res = await b.as('provider-hospital')('POST', '/invoices', {
        patientId: alice.identityId,
        currency: 'INR',
        invoicedAt: '2025-06-01T10:30:00+05:30',
        lines: [{ gtin: strip, quantity: '2', unitPrice, taxRate: '12' }],
      });
      expect(res.status).toBe(201);
      return res.body.verdicts[0];
    };
    // A strip = 20 tablets × ₹3.00 = ₹60.00 a pack: at the ceiling accepted, ₹1 over per pack is 2 × 1.00 × 1.12.
    expect(await draft('60.00')).toMatchObject({ status: 'ACCEPTED' });
    expect(await draft('61.00')).toMatchObject({ status: 'REFUSED', excess: '2.24' });
  });

  it('a GTIN already mapped otherwise keeps its first mapping; the conflict is kept in a row', async () => {
    const event = await register({ gtin: imported, nationalCode: syrup, unitsPerPack: 200 });
    expect(event.gtin).toBe(imported);
    const conflict = await waitFor(
      'the conflict recorded',
      async () =>
        (
          (await b.db.query(
            `select code, units_per_pack::int as units, mapped_code, mapped_units_per_pack::int as mapped_units,
                    mapped_source from pack_mapping_conflicts where gtin = $1`,
            [imported],
          )) as unknown[]
        )[0],
      { timeoutMs: 60_000 },
    );
    expect(conflict).toEqual({
      code: syrup,
      units: 200,
      mapped_code: syrup,
      mapped_units: 100,
      mapped_source: 'import',
    });
    expect(await mapping(imported)).toEqual({ code: syrup, units: 100, source: 'import' });
  });

  it('refuses an import whose pack barcode has a wrong check digit, on its row, importing nothing', async () => {
    const before = Number((await b.db.query('select count(*)::int as n from schedule_versions'))[0].n);
    const csv = csvOf([
      [
        'Code',
        'Description',
        'Unit',
        'Ceiling per unit',
        'Tax rate',
        'Tax inclusive',
        'Regime',
        'GTIN',
        'Units per pack',
      ],
      [`IMP-${run}`, 'Ibuprofen 400 mg', 'TABLET', '1.50', '12', 'no', 'HARD_CAP', '09506000134352', '10'],
      [`IMP-${run}-B`, 'Ibuprofen 200 mg', 'TABLET', '0.90', '12', 'no', 'HARD_CAP', '09506000134353', '10'],
    ]);
    const res = await b.as('regulator-1')('POST', '/schedules/import', {
      instrument: `S.O. ${run}(E)`,
      timeZone: 'Asia/Kolkata',
      currency: 'INR',
      effectiveFrom: '2025-04-01',
      recoveryInterestRate: '15',
      format: 'csv',
      content: Buffer.from(csv).toString('base64'),
    });
    expect(res.status).toBe(422);
    expect(res.body.details.problems).toEqual([
      { row: 3, field: 'gtin', reason: '09506000134353 has a wrong GS1 check digit (2 expected)' },
    ]);
    expect(Number((await b.db.query('select count(*)::int as n from schedule_versions'))[0].n)).toBe(before);
    expect(await mapping('09506000134352')).toBeUndefined();
  });
});
