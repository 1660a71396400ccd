import { aiDef } from './ai-table.js';
import { toYymmdd } from './dates.js';
import type { PackIdentity } from './types.js';

/** Primary keys a canonical Digital Link may start with, in the order one is chosen. */
const KEY_ORDER = [
  '01',
  '00',
  '414',
  '417',
  '8006',
  '8004',
  '8003',
  '253',
  '255',
  '401',
  '402',
  '8010',
  '8017',
  '8018',
];

/** The identity's AIs: its named fields win over the raw map they came from. */
export function aisOf(id: PackIdentity): Record<string, string> {
  const ais: Record<string, string> = { ...id.ais };
  if (id.gtin) ais['01'] = id.gtin;
  if (id.serial !== undefined) ais['21'] = id.serial;
  if (id.lot !== undefined) ais['10'] = id.lot;
  if (id.sscc !== undefined) ais['00'] = id.sscc;
  if (id.gln !== undefined && ais['417'] !== id.gln) ais['414'] = id.gln;
  if (id.expiry !== undefined && ais['17'] === undefined) ais['17'] = toYymmdd(id.expiry);
  return ais;
}

function primaryKey(ais: Record<string, string>): string {
  const key = KEY_ORDER.find((k) => ais[k] !== undefined);
  if (!key) throw new RangeError('canonicalDigitalLink: the identity has no GS1 primary key');
  return key;
}

/** The qualifier sequence of the key that the identity fills best (01: 22, 10, 21 — or 235). */
function qualifiersFor(key: string, ais: Record<string, string>): string[] {
  const alts = aiDef(key)?.dlQualifiers ?? [[]];
  const filled = alts.map((alt) => alt.filter((q) => ais[q] !== undefined));
  return filled.reduce((best, q) => (q.length > best.length ? q : best), [] as string[]);
}

function isUnreserved(c: number): boolean {
  const l = c | 0x20;
  return (c >= 48 && c <= 57) || (l >= 97 && l <= 122) || c === 45 || c === 46 || c === 95 || c === 126;
}

/** Percent-encode all but the URI unreserved characters (A-Z a-z 0-9 - . _ ~), as GS1 Digital Link does. */
export function dlEscape(v: string): string {
  let out = '';
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    out += isUnreserved(c) ? v[i] : `%${c.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/**
 * https://id.gs1.org/{key}/{value}[/{qualifier}/{value}...][?{ai}={value}&...]: qualifiers in the standard's
 * order, every other AI a query attribute in ascending AI order.
 */
export function canonicalDigitalLink(id: PackIdentity): string {
  const ais = aisOf(id);
  const key = primaryKey(ais);
  const path = [key, ...qualifiersFor(key, ais)];
  const inPath = new Set(path);
  const attrs = Object.keys(ais)
    .filter((ai) => !inPath.has(ai))
    .sort();
  const p = path.map((ai) => `/${ai}/${dlEscape(ais[ai] as string)}`).join('');
  const q = attrs.map((ai) => `${ai}=${dlEscape(ais[ai] as string)}`).join('&');
  return `https://id.gs1.org${p}${q ? `?${q}` : ''}`;
}

/** Keys first, then predefined-length AIs (no separator needed), then the rest; AI order inside each group. */
function elementOrder(ais: Record<string, string>): string[] {
  const rank = (ai: string) => (KEY_ORDER.includes(ai) ? 0 : aiDef(ai)?.predefined ? 1 : 2);
  return Object.keys(ais).sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
}

/** The element string: AIs concatenated, GS after each non-predefined-length AI except the last; no FNC1. */
export function toElementString(id: PackIdentity): string {
  const ais = aisOf(id);
  const order = elementOrder(ais);
  return order
    .map((ai, i) => {
      const sep = i < order.length - 1 && !aiDef(ai)?.predefined ? '\x1d' : '';
      return `${ai}${ais[ai] as string}${sep}`;
    })
    .join('');
}

/** The bracketed human-readable interpretation, "(" inside data escaped as "\(". */
export function toHri(id: PackIdentity): string {
  const ais = aisOf(id);
  return elementOrder(ais)
    .map((ai) => `(${ai})${(ais[ai] as string).split('(').join('\\(')}`)
    .join('');
}
