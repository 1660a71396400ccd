import type { EpcUrnResult, PackIdentity } from './types.js';

/** urn:epc:id:sgtin:{GCP}.{indicator+itemRef}.{serial}; the serial URN-escaped. */
export function sgtinUrn(id: PackIdentity, companyPrefixLength: number): string {
  void id;
  void companyPrefixLength;
  throw new Error('not implemented yet');
}

/** urn:epc:id:sscc:{GCP}.{extension+serialRef}. */
export function ssccUrn(sscc: string, companyPrefixLength: number): string {
  void sscc;
  void companyPrefixLength;
  throw new Error('not implemented yet');
}

/** urn:epc:id:sgln:{GCP}.{locationRef}.{extension} (extension "0" when none). */
export function sglnUrn(gln: string, companyPrefixLength: number, extension?: string): string {
  void gln;
  void companyPrefixLength;
  void extension;
  throw new Error('not implemented yet');
}

/** Decode an sgtin/sscc/sgln pure-identity URN. */
export function parseEpcUrn(urn: string): EpcUrnResult {
  void urn;
  return { ok: false, error: { rule: 'epc-urn', message: 'not implemented yet' } };
}
