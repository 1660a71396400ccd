import { parseScan, type PackIdentity, type ScanError } from '../../src/scan/index.js';

export const GS = '\x1d';
/** Reference date for the YYMMDD century rule in every test. */
export const NOW = { now: new Date('2026-06-01T00:00:00Z') };

/** The successful result of a scan, or a test failure naming the rule that refused it. */
export function accepted(raw: string, options = NOW) {
  const r = parseScan(raw, options);
  if (!r.ok) throw new Error(`${JSON.stringify(raw)}: ${r.error.rule} ${r.error.message}`);
  return r;
}

export function identityOf(raw: string, options = NOW): PackIdentity {
  return accepted(raw, options).identity;
}

/** The error of a scan that must be refused. */
export function refused(raw: string, options = NOW): ScanError {
  const r = parseScan(raw, options);
  if (r.ok) throw new Error(`expected a parse error for ${JSON.stringify(raw)}`);
  return r.error;
}
