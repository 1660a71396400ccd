/** One pack (or logistic unit, or location) as read from any GS1 carrier, normalised. */
export interface PackIdentity {
  /** GTIN-14 (GTIN-8/12/13 are zero-padded to 14 digits). */
  gtin: string;
  serial?: string;
  lot?: string;
  /** AI 17 as YYYY-MM-DD; DD=00 is resolved to the last day of that month. */
  expiry?: string;
  sscc?: string;
  gln?: string;
  /** Every AI read, raw value as scanned (after GTIN padding for 01/02). */
  ais: Record<string, string>;
}

/** Machine codes for scan parse failures; `ai` names the offending AI where one exists. */
export const SCAN_RULES = [
  'empty',
  'symbology',
  'syntax',
  'unknown-ai',
  'length',
  'charset',
  'check-digit',
  'date',
  'requires-01',
  'requires-key',
  'exclusive',
  'duplicate-ai',
  'dl-primary-key',
  'dl-qualifier-order',
  'dl-attribute',
  'epc-urn',
] as const;

export type ScanRule = (typeof SCAN_RULES)[number];

export interface ScanError {
  ai?: string;
  rule: ScanRule;
  message: string;
  /** 0-based character offset in the raw input, where known. */
  position?: number;
}

export type ScanForm = 'element-string' | 'hri' | 'digital-link';

export type ScanResult =
  { ok: true; identity: PackIdentity; symbology?: string; form: ScanForm } | { ok: false; error: ScanError };

/** A decoded EPC pure-identity URN (the inverse of sgtinUrn/ssccUrn/sglnUrn). */
export type EpcIdentity =
  | { scheme: 'sgtin'; companyPrefix: string; gtin: string; serial: string }
  | { scheme: 'sscc'; companyPrefix: string; sscc: string }
  | { scheme: 'sgln'; companyPrefix: string; gln: string; extension?: string }
  | { scheme: 'pgln'; companyPrefix: string; gln: string }
  | { scheme: 'lgtin'; companyPrefix: string; gtin: string; lot: string };

export type EpcUrnResult = { ok: true; epc: EpcIdentity } | { ok: false; error: ScanError };

export interface ParseOptions {
  /** Reference date for the GS1 century rule of YYMMDD (defaults to now). */
  now?: Date;
}
