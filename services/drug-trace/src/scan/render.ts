import type { PackIdentity } from './types.js';

/** https://id.gs1.org/01/{gtin}[/22/..][/10/..][/21/..][?17=..&...] with GS1 percent-encoding. */
export function canonicalDigitalLink(id: PackIdentity): string {
  void id;
  throw new Error('not implemented yet');
}

/** The element string (AIs concatenated, GS after variable-length fields except the last), no FNC1 prefix. */
export function toElementString(id: PackIdentity): string {
  void id;
  throw new Error('not implemented yet');
}

/** The bracketed human-readable interpretation, e.g. "(01)09521234543213(17)281231(10)A1". */
export function toHri(id: PackIdentity): string {
  void id;
  throw new Error('not implemented yet');
}
