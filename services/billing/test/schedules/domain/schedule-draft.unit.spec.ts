import { plain } from '../../../src/pricing/domain/money.js';
import { headerProblems, parseRows, type RawRow } from '../../../src/schedules/domain/schedule-draft.js';

const row = (n: number, cells: Record<string, string>): RawRow => ({
  row: n,
  cells: {
    unit: 'EACH',
    tax_rate: '5',
    regime: 'HARD_CAP',
    tax_inclusive: 'no',
    device_details_required: 'yes',
    ...cells,
  },
});

describe('schedule rows', () => {
  it('reads Indian grouping and five decimals exactly, with pack mappings', () => {
    const out = parseRows([
      row(2, { code: 'KNEE-REV', ceiling_per_unit: '1,13,950' }),
      row(3, {
        code: 'IBU-SUSP',
        unit: 'ml',
        ceiling_per_unit: '0.17935',
        tax_rate: '12%',
        device_details_required: 'no',
        gtin: '08901234567890',
        units_per_pack: '100',
      }),
    ]);
    if ('problems' in out) throw new Error(JSON.stringify(out.problems));
    expect(out.entries.map((e) => [e.code, e.unit, plain(e.ceilingPerUnit)])).toEqual([
      ['KNEE-REV', 'EACH', '113950'],
      ['IBU-SUSP', 'ML', '0.17935'],
    ]);
    expect(out.entries.map((e) => plain(e.taxRate))).toEqual(['5', '12']);
    expect(out.packs.map((p) => [p.gtin, p.code, plain(p.unitsPerPack)])).toEqual([
      ['08901234567890', 'IBU-SUSP', '100'],
    ]);
  });

  it('reports every bad row and field, and keeps nothing', () => {
    const out = parseRows([
      row(2, { code: 'A', ceiling_per_unit: '1,1395,0' }),
      row(3, { code: 'B', ceiling_per_unit: '0.123456', unit: 'BOX' }),
      row(4, { code: 'D', ceiling_per_unit: '5' }),
      row(5, { code: 'C', ceiling_per_unit: '5', tax_rate: '112', regime: 'MAYBE', gtin: '123' }),
      row(6, { code: 'D', ceiling_per_unit: '6' }),
    ]);
    expect(out).toEqual({
      problems: [
        { row: 2, field: 'ceiling_per_unit', reason: expect.stringContaining('positive amount') },
        { row: 3, field: 'unit', reason: expect.stringContaining('TABLET') },
        { row: 3, field: 'ceiling_per_unit', reason: expect.stringContaining('5 decimals') },
        { row: 5, field: 'tax_rate', reason: expect.any(String) },
        { row: 5, field: 'regime', reason: expect.any(String) },
        { row: 5, field: 'gtin', reason: 'a 14-digit GTIN' },
        { row: 5, field: 'units_per_pack', reason: expect.any(String) },
        { row: 6, field: 'code', reason: 'D already appears in row 4' },
      ],
    });
  });

  it('refuses a pack barcode whose GS1 check digit is wrong, on its row', () => {
    const entry = { code: 'P', unit: 'TABLET', ceiling_per_unit: '2', units_per_pack: '10' };
    expect(parseRows([row(2, { ...entry, gtin: '09506000134353' })])).toEqual({
      problems: [{ row: 2, field: 'gtin', reason: '09506000134353 has a wrong GS1 check digit (2 expected)' }],
    });
    const ok = parseRows([row(2, { ...entry, gtin: '09506000134352' })]);
    expect('packs' in ok && ok.packs.map((p) => p.gtin)).toEqual(['09506000134352']);
  });

  it('mints one stable code per formulation when the list has none (NPPA lists do not)', () => {
    const out = parseRows([
      row(2, { name: 'Paracetamol  Tablet', strength: '500 mg', unit: 'TABLET', ceiling_per_unit: '2.00' }),
      row(3, { name: 'paracetamol tablet', strength: '650 mg', unit: 'TABLET', ceiling_per_unit: '2.40' }),
    ]);
    if ('problems' in out) throw new Error(JSON.stringify(out.problems));
    const [a, b] = out.entries;
    expect(a!.code).toMatch(/^UHR-[0-9A-F]{12}$/);
    expect(a!.code).not.toBe(b!.code);
    expect(a!.description).toBe('Paracetamol  Tablet 500 mg');
    // Case and spacing do not change it: next year's list with the same formulation supersedes this entry.
    const again = parseRows([
      row(7, { name: 'PARACETAMOL TABLET', strength: '500 MG', unit: 'tablet', ceiling_per_unit: '2.10' }),
    ]);
    expect('entries' in again && again.entries[0]!.code).toBe(a!.code);
  });

  it('checks the header: zone, currency, dates in order', () => {
    const problems = headerProblems({
      instrument: ' ',
      timeZone: 'Mars/Olympus',
      currency: 'XYZ',
      period: { from: '2025-04-01', to: '2025-04-01' },
      recoveryInterestRate: '15',
    });
    expect(problems.map((p) => p.field)).toEqual(['instrument', 'timeZone', 'currency', 'effectiveTo']);
  });
});
