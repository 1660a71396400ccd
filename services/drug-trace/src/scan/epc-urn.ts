import { isValidGln, isValidGtin, isValidSscc } from '@uhr/platform';
import { firstOutside } from './charset.js';
import type { PackIdentity } from './types.js';

/**
 * EPC pure-identity URNs (GS1 EPC Tag Data Standard). The company-prefix length (6-12) splits a key into
 * company prefix and reference; it is not derivable from the key, so it comes from master data.
 */

/** Characters of set 82 that an EPC URN must percent-encode (TDS, table of the URI character escapes). */
const URN_ESCAPES: Record<string, string> = {
  '"': '%22',
  '%': '%25',
  '&': '%26',
  '/': '%2F',
  '<': '%3C',
  '>': '%3E',
  '?': '%3F',
};

export function epcEscape(v: string): string {
  let out = '';
  for (const ch of v) out += URN_ESCAPES[ch] ?? ch;
  return out;
}

function checkPrefixLength(n: number): void {
  if (!Number.isInteger(n) || n < 6 || n > 12) throw new RangeError(`company prefix length ${n} is not 6 to 12`);
}

function checkSerial(what: string, v: string, max: number): void {
  if (v.length < 1 || v.length > max || firstOutside(v, 0, v.length, 'X') >= 0)
    throw new RangeError(`${what} must be 1 to ${max} characters of GS1 set 82`);
}

function gtinParts(gtin: string, gcpLength: number): string {
  if (gtin.length !== 14 || !isValidGtin(gtin)) throw new RangeError(`GTIN ${gtin} is not a valid GTIN-14`);
  checkPrefixLength(gcpLength);
  return `${gtin.substring(1, 1 + gcpLength)}.${gtin[0]}${gtin.substring(1 + gcpLength, 13)}`;
}

/** urn:epc:id:sgtin:{company prefix}.{indicator}{item reference}.{serial} */
export function sgtinUrn(id: PackIdentity, companyPrefixLength: number): string {
  if (id.serial === undefined) throw new RangeError('an SGTIN needs a serial (AI 21)');
  checkSerial('serial', id.serial, 20);
  return `urn:epc:id:sgtin:${gtinParts(id.gtin, companyPrefixLength)}.${epcEscape(id.serial)}`;
}

/** urn:epc:class:lgtin:{company prefix}.{indicator}{item reference}.{lot} — a GTIN's batch (EPCIS quantities). */
export function lgtinUrn(id: PackIdentity, companyPrefixLength: number): string {
  if (id.lot === undefined) throw new RangeError('an LGTIN needs a lot (AI 10)');
  checkSerial('lot', id.lot, 20);
  return `urn:epc:class:lgtin:${gtinParts(id.gtin, companyPrefixLength)}.${epcEscape(id.lot)}`;
}

/** urn:epc:id:sscc:{company prefix}.{extension digit}{serial reference} */
export function ssccUrn(sscc: string, companyPrefixLength: number): string {
  if (!isValidSscc(sscc)) throw new RangeError(`SSCC ${sscc} is not valid`);
  checkPrefixLength(companyPrefixLength);
  return `urn:epc:id:sscc:${sscc.substring(1, 1 + companyPrefixLength)}.${sscc[0]}${sscc.substring(1 + companyPrefixLength, 17)}`;
}

function glnParts(gln: string, gcpLength: number): string {
  if (!isValidGln(gln)) throw new RangeError(`GLN ${gln} is not valid`);
  checkPrefixLength(gcpLength);
  return `${gln.substring(0, gcpLength)}.${gln.substring(gcpLength, 12)}`;
}

/** urn:epc:id:sgln:{company prefix}.{location reference}.{extension}; "0" when there is no extension (AI 254). */
export function sglnUrn(gln: string, companyPrefixLength: number, extension?: string): string {
  if (extension !== undefined) checkSerial('GLN extension', extension, 20);
  return `urn:epc:id:sgln:${glnParts(gln, companyPrefixLength)}.${extension === undefined ? '0' : epcEscape(extension)}`;
}

/** urn:epc:id:pgln:{company prefix}.{party reference} — a party GLN (AI 417). */
export function pglnUrn(gln: string, companyPrefixLength: number): string {
  return `urn:epc:id:pgln:${glnParts(gln, companyPrefixLength)}`;
}
