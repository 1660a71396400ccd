import { gs1CheckDigit, isDigits } from '@uhr/platform';
import { firstOutside, hexDigit } from './charset.js';
import type { EpcIdentity, EpcUrnResult } from './types.js';

type Parsed = EpcIdentity | string;

/** Undo %HH escapes; the result must be 1-20 characters of GS1 set 82. */
function unescapeComponent(v: string, what: string): string | { error: string } {
  let out = '';
  for (let i = 0; i < v.length; i++) {
    if (v.charCodeAt(i) !== 37) {
      out += v[i];
      continue;
    }
    const hi = hexDigit(v.charCodeAt(i + 1));
    const lo = hexDigit(v.charCodeAt(i + 2));
    if (hi < 0 || lo < 0) return { error: `${what} has a bad %-escape at ${i}` };
    out += String.fromCharCode(hi * 16 + lo);
    i += 2;
  }
  if (out.length < 1 || out.length > 20 || firstOutside(out, 0, out.length, 'X') >= 0)
    return { error: `${what} must be 1 to 20 characters of GS1 set 82` };
  return out;
}

/** The first n dot-separated fields, the last one taking the rest (serials may contain dots). */
function fields(body: string, n: number): string[] {
  const out: string[] = [];
  let from = 0;
  for (let k = 1; k < n; k++) {
    const dot = body.indexOf('.', from);
    if (dot < 0) break;
    out.push(body.substring(from, dot));
    from = dot + 1;
  }
  out.push(body.substring(from));
  return out;
}

function digitsFields(prefix: string | undefined, ref: string | undefined, total: number): string | undefined {
  if (prefix === undefined || ref === undefined) return undefined;
  const ok = prefix.length >= 6 && prefix.length <= 12 && isDigits(prefix) && (ref === '' || isDigits(ref));
  return ok && prefix.length + ref.length === total ? prefix : undefined;
}

function withCheck(body: string): string {
  return body + String(gs1CheckDigit(body));
}

function gtinScheme(scheme: 'sgtin' | 'lgtin', body: string): Parsed {
  const [gcp, ref, tail] = fields(body, 3);
  if (!digitsFields(gcp, ref, 13) || tail === undefined || !ref)
    return `${scheme}: needs {prefix}.{indicator+item}.{value}, 13 digits`;
  const gtin = withCheck(ref[0] + (gcp as string) + ref.substring(1));
  const value = unescapeComponent(tail, scheme === 'sgtin' ? 'serial' : 'lot');
  if (typeof value !== 'string') return value.error;
  const companyPrefix = gcp as string;
  return scheme === 'sgtin'
    ? { scheme, companyPrefix, gtin, serial: value }
    : { scheme, companyPrefix, gtin, lot: value };
}

function ssccScheme(body: string): Parsed {
  const [gcp, ref, extra] = fields(body, 3);
  if (!digitsFields(gcp, ref, 17) || extra !== undefined || !ref)
    return 'sscc: needs {prefix}.{extension+serial}, 17 digits';
  return { scheme: 'sscc', companyPrefix: gcp as string, sscc: withCheck(ref[0] + (gcp as string) + ref.substring(1)) };
}

function glnScheme(scheme: 'sgln' | 'pgln', body: string): Parsed {
  const [gcp, ref, ext] = fields(body, scheme === 'sgln' ? 3 : 2);
  if (!digitsFields(gcp, ref, 12) || (scheme === 'sgln' && ext === undefined))
    return `${scheme}: needs {prefix}.{reference}${scheme === 'sgln' ? '.{extension}' : ''}, 12 digits`;
  const gln = withCheck((gcp as string) + (ref as string));
  const companyPrefix = gcp as string;
  if (scheme === 'pgln') return { scheme, companyPrefix, gln };
  if (ext === '0') return { scheme, companyPrefix, gln };
  const extension = unescapeComponent(ext as string, 'extension');
  return typeof extension === 'string' ? { scheme, companyPrefix, gln, extension } : extension.error;
}

const SCHEMES: [string, (body: string) => Parsed][] = [
  ['urn:epc:id:sgtin:', (b) => gtinScheme('sgtin', b)],
  ['urn:epc:id:sscc:', ssccScheme],
  ['urn:epc:id:sgln:', (b) => glnScheme('sgln', b)],
  ['urn:epc:id:pgln:', (b) => glnScheme('pgln', b)],
  ['urn:epc:class:lgtin:', (b) => gtinScheme('lgtin', b)],
];

/** Decode an sgtin, sscc, sgln, pgln or lgtin URN into its GS1 keys (check digits restored). Never throws. */
export function parseEpcUrn(urn: string): EpcUrnResult {
  if (typeof urn !== 'string' || urn.length > 256)
    return { ok: false, error: { rule: 'epc-urn', message: 'not an EPC URN' } };
  const entry = SCHEMES.find(([prefix]) => urn.startsWith(prefix));
  if (!entry) return { ok: false, error: { rule: 'epc-urn', message: 'not an sgtin, sscc, sgln, pgln or lgtin URN' } };
  const parsed = entry[1](urn.substring(entry[0].length));
  return typeof parsed === 'string'
    ? { ok: false, error: { rule: 'epc-urn', message: parsed } }
    : { ok: true, epc: parsed };
}
