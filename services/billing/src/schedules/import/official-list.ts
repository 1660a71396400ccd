import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import type { RawRow, RowProblem } from '../domain/schedule-draft.js';

export const IMPORT_FORMATS = ['csv', 'xlsx'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/**
 * The columns an official list must have (header row, case and spaces ignored): a `code`, or a `name` (and
 * `strength`) to mint one from; the rest are optional.
 */
export const REQUIRED_COLUMNS = ['unit', 'ceiling_per_unit', 'tax_rate'] as const;

export type ReadResult = { rows: RawRow[] } | { problems: RowProblem[] };

const columnName = (h: string) =>
  h
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');

/** Reads an official list into text rows numbered as a spreadsheet shows them (header = row 1). */
export async function readOfficialList(format: ImportFormat, file: Buffer): Promise<ReadResult> {
  try {
    return format === 'csv' ? fromTable(csvTable(file)) : fromTable(await xlsxTable(file));
  } catch (err) {
    return {
      problems: [{ row: 0, field: 'file', reason: `not a readable ${format} file: ${(err as Error).message}` }],
    };
  }
}

function csvTable(file: Buffer): string[][] {
  return parse(file, { bom: true, skip_empty_lines: false, relax_column_count: true, trim: true }) as string[][];
}

async function xlsxTable(file: Buffer): Promise<string[][]> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(file as unknown as ArrayBuffer);
  const sheet = wb.worksheets[0];
  if (!sheet) throw new Error('the workbook has no sheet');
  const table: string[][] = [];
  sheet.eachRow({ includeEmpty: true }, (row, n) => {
    const cells: string[] = [];
    row.eachCell({ includeEmpty: true }, (cell, col) => (cells[col - 1] = cellText(cell.value)));
    table[n - 1] = Array.from(cells, (c) => c ?? '');
  });
  return Array.from(table, (r) => r ?? []);
}

/**
 * A cell as text. A number cell is a double: its shortest round-trip form ("0.17935") is the decimal that was
 * typed for up to 15 significant digits, which every ceiling is; text cells ("1,13,950") pass as they are.
 */
function cellText(v: ExcelJS.CellValue): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : 'NaN';
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'string') return v;
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if ('result' in v) return cellText(v.result as ExcelJS.CellValue);
  if ('richText' in v) return v.richText.map((t) => t.text).join('');
  if ('text' in v) return String(v.text);
  return '';
}

function fromTable(table: string[][]): ReadResult {
  const [header = [], ...body] = table;
  const names = header.map(columnName);
  const missing: string[] = REQUIRED_COLUMNS.filter((c) => !names.includes(c));
  if (!names.includes('code') && !names.includes('name')) missing.unshift('code');
  if (missing.length > 0) {
    return { problems: missing.map((c) => ({ row: 1, field: c, reason: 'required column missing from the header' })) };
  }
  const rows: RawRow[] = [];
  body.forEach((cells, i) => {
    if (cells.every((c) => !c || !c.trim())) return;
    rows.push({ row: i + 2, cells: Object.fromEntries(names.map((n, j) => [n, cells[j] ?? ''])) });
  });
  return { rows };
}
