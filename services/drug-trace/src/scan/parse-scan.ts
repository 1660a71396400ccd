import type { ParseOptions, ScanResult } from './types.js';

/** Parse any form a scanner sends (symbology identifier, element string with GS, bracketed HRI, Digital Link). */
export function parseScan(raw: string, options: ParseOptions = {}): ScanResult {
  void raw;
  void options;
  return { ok: false, error: { rule: 'empty', message: 'not implemented yet' } };
}
