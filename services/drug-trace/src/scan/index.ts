/**
 * Scan intake: the public API of GS1 scan parsing for drug-trace. Pure functions, no I/O.
 * Everything else in src/scan is internal.
 */
export type {
  PackIdentity,
  ScanError,
  ScanRule,
  ScanForm,
  ScanResult,
  EpcIdentity,
  EpcUrnResult,
  ParseOptions,
} from './types.js';
export { SCAN_RULES } from './types.js';
export { parseScan, MAX_SCAN_LENGTH } from './parse-scan.js';
export { sgtinUrn, lgtinUrn, ssccUrn, sglnUrn, pglnUrn, epcEscape } from './epc-urn.js';
export { parseEpcUrn } from './epc-urn-parse.js';
export { epcToIdentity } from './epc-identity.js';
export { canonicalDigitalLink, toElementString, toHri } from './render.js';
export { gs1CheckDigit, isValidGtin, isValidGln, isValidSscc, normaliseGtin } from '@uhr/platform';
