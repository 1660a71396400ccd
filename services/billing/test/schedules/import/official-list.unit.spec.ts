import ExcelJS from 'exceljs';
import { readOfficialList } from '../../../src/schedules/import/official-list.js';

describe('official list files', () => {
  it('reads a CSV with Indian grouping as text, numbering rows as a spreadsheet does', async () => {
    const csv =
      'Code,Unit,Ceiling Per Unit,Tax Rate,Description\nKNEE-REV,EACH,"1,13,950",5,"Knee, revision"\n\nIBU,ML,0.17935,12,Syrup\n';
    const out = await readOfficialList('csv', Buffer.from(csv));
    expect(out).toEqual({
      rows: [
        {
          row: 2,
          cells: {
            code: 'KNEE-REV',
            unit: 'EACH',
            ceiling_per_unit: '1,13,950',
            tax_rate: '5',
            description: 'Knee, revision',
          },
        },
        {
          row: 4,
          cells: { code: 'IBU', unit: 'ML', ceiling_per_unit: '0.17935', tax_rate: '12', description: 'Syrup' },
        },
      ],
    });
  });

  it('reads an XLSX with number and text cells, keeping 0.17935 exact', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Schedule I');
    ws.addRow(['code', 'unit', 'ceiling_per_unit', 'tax_rate']);
    ws.addRow(['IBU', 'ML', 0.17935, 12]);
    ws.addRow(['KNEE-REV', 'EACH', '1,13,950', 5]);
    const file = Buffer.from(await wb.xlsx.writeBuffer());
    const out = await readOfficialList('xlsx', file);
    expect(out).toEqual({
      rows: [
        { row: 2, cells: { code: 'IBU', unit: 'ML', ceiling_per_unit: '0.17935', tax_rate: '12' } },
        { row: 3, cells: { code: 'KNEE-REV', unit: 'EACH', ceiling_per_unit: '1,13,950', tax_rate: '5' } },
      ],
    });
  });

  it('names the missing columns and refuses a file that is not what it claims', async () => {
    expect(await readOfficialList('csv', Buffer.from('code,unit\nA,EACH\n'))).toEqual({
      problems: [
        { row: 1, field: 'ceiling_per_unit', reason: 'required column missing from the header' },
        { row: 1, field: 'tax_rate', reason: 'required column missing from the header' },
      ],
    });
    const nameless = await readOfficialList('csv', Buffer.from('unit,ceiling_per_unit,tax_rate\nEACH,1,5\n'));
    expect(nameless).toEqual({
      problems: [{ row: 1, field: 'code', reason: 'required column missing from the header' }],
    });
    const named = await readOfficialList(
      'csv',
      Buffer.from('name,strength,unit,ceiling_per_unit,tax_rate\nParacetamol,500 mg,TABLET,2,12\n'),
    );
    expect('rows' in named && named.rows[0]!.cells.name).toBe('Paracetamol');
    const bad = await readOfficialList('xlsx', Buffer.from('not a zip'));
    expect(bad).toEqual({
      problems: [{ row: 0, field: 'file', reason: expect.stringContaining('not a readable xlsx file') }],
    });
    const quote = await readOfficialList('csv', Buffer.from('code,unit,ceiling_per_unit,tax_rate\n"A,EACH,1,5\n'));
    expect(quote).toEqual({
      problems: [{ row: 0, field: 'file', reason: expect.stringContaining('not a readable csv file') }],
    });
  });
});
