import { aiDef, DL_QUALIFIERS, type AiDef } from './ai-table.js';
import { hexDigit } from './charset.js';
import { isDigits } from '@uhr/platform';
import type { ScanError } from './types.js';
import type { AiRead, ReadOutcome } from './values.js';

/** GS1 Digital Link URI syntax 1.2: scheme in one case, any host, any path prefix before the primary key. */
const SCHEMES = ['https://', 'http://', 'HTTPS://', 'HTTP://'];

interface Span {
  from: number;
  to: number;
}

export function isDigitalLink(s: string, start: number): boolean {
  return SCHEMES.some((p) => s.startsWith(p, start));
}

function err(rule: ScanError['rule'], message: string, position: number, ai?: string): ScanError {
  return ai === undefined ? { rule, message, position } : { ai, rule, message, position };
}

/** Percent-decoding; "+" is a space only in the query. An invalid "%" sequence stays as written. */
function uriDecode(s: string, span: Span, query: boolean): string | undefined {
  let out = '';
  for (let i = span.from; i < span.to; i++) {
    const c = s.charCodeAt(i);
    if (c === 37 && i + 2 < span.to) {
      const hi = hexDigit(s.charCodeAt(i + 1));
      const lo = hexDigit(s.charCodeAt(i + 2));
      if (hi >= 0 && lo >= 0) {
        if (hi === 0 && lo === 0) return undefined;
        out += String.fromCharCode(hi * 16 + lo);
        i += 2;
        continue;
      }
    }
    out += query && c === 43 ? ' ' : s[i];
  }
  return out;
}

function spansOf(s: string, from: number, to: number, sep: string): Span[] {
  const spans: Span[] = [];
  for (let i = from; ;) {
    const j = s.indexOf(sep, i);
    const end = j < 0 || j > to ? to : j;
    spans.push({ from: i, to: end });
    if (end === to) return spans;
    i = end + 1;
  }
}

function hostError(s: string, from: number, to: number): ScanError | undefined {
  if (to <= from) return err('syntax', 'a Digital Link needs a host', from);
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    const ok =
      (c >= 48 && c <= 58) || ((c | 0x20) >= 97 && (c | 0x20) <= 122) || c === 45 || c === 46 || c === 91 || c === 93;
    if (!ok) return err('syntax', `host has an invalid character at ${i}`, i);
  }
  return undefined;
}

/** Walk the path from its end in (AI, value) pairs: qualifiers until the rightmost primary key. */
function findPrimaryKey(s: string, segs: Span[]): number | ScanError {
  for (let k = segs.length - 2; k >= 0; k -= 2) {
    const seg = segs[k] as Span;
    const ai = s.substring(seg.from, seg.to);
    const def = aiDef(ai);
    if (def?.dlQualifiers) return k;
    if (def && DL_QUALIFIERS.has(ai)) continue;
    if (def)
      return err('dl-qualifier-order', `(${ai}) is no key qualifier: data attributes go in the query`, seg.from, ai);
    if (ai.length >= 2 && ai.length <= 4 && isDigits(ai))
      return err('unknown-ai', `(${ai}) is not a known GS1 AI`, seg.from, ai);
    break;
  }
  return err('dl-primary-key', 'no GS1 primary key (01, 00, 414, ...) in the path', segs[0]?.from ?? 0);
}

function isSubsequence(qs: string[], alt: string[]): boolean {
  let j = 0;
  for (const q of qs) {
    while (j < alt.length && alt[j] !== q) j++;
    if (j++ >= alt.length) return false;
  }
  return true;
}

/** The qualifier sequences the path is consistent with; an error names the first qualifier out of order. */
function consistentSequences(key: AiDef, qs: string[], positions: number[]): string[][] | ScanError {
  const alts = key.dlQualifiers ?? [];
  for (let i = 1; i <= qs.length; i++) {
    const head = qs.slice(0, i);
    if (!alts.some((a) => isSubsequence(head, a))) {
      const ai = qs[i - 1] as string;
      const order = alts.map((a) => a.join(', ')).join(' or ') || 'none';
      return err(
        'dl-qualifier-order',
        `(${ai}) out of place after (${key.ai}): qualifiers ${order}`,
        positions[i - 1] ?? 0,
        ai,
      );
    }
  }
  return alts.filter((a) => isSubsequence(qs, a));
}

function decodeValue(s: string, ai: string, span: Span, query: boolean): AiRead | ScanError {
  const raw = uriDecode(s, span, query);
  if (raw === undefined) return err('charset', `(${ai}) contains %00`, span.from, ai);
  const value =
    ai === '01' && isDigits(raw) && (raw.length === 8 || raw.length === 12 || raw.length === 13)
      ? raw.padStart(14, '0')
      : raw;
  return { ai, value, pos: span.from };
}

function readPath(s: string, segs: Span[]): { reads: AiRead[]; forbidden: Set<string> } | ScanError {
  const k = findPrimaryKey(s, segs);
  if (typeof k !== 'number') return k;
  const keySeg = segs[k] as Span;
  const key = aiDef(s.substring(keySeg.from, keySeg.to)) as AiDef;
  const reads: AiRead[] = [];
  for (let i = k; i < segs.length; i += 2) {
    const a = segs[i] as Span;
    const r = decodeValue(s, s.substring(a.from, a.to), segs[i + 1] as Span, false);
    if ('rule' in r) return r;
    reads.push(r);
  }
  const qs = reads.slice(1).map((r) => r.ai);
  const seqs = consistentSequences(
    key,
    qs,
    reads.slice(1).map((r) => r.pos),
  );
  if (!Array.isArray(seqs)) return seqs;
  return { reads, forbidden: new Set([key.ai, ...seqs.flat()]) };
}

function readAttribute(s: string, p: Span, forbidden: Set<string>): AiRead | ScanError | undefined {
  const eq = s.indexOf('=', p.from);
  const keyEnd = eq < 0 || eq > p.to ? p.to : eq;
  const ai = s.substring(p.from, keyEnd);
  if (!isDigits(ai)) return undefined; // a non-GS1 parameter (linkType, context, ...): allowed, ignored
  const def = aiDef(ai);
  if (!def) return err('unknown-ai', `(${ai}) is not a known GS1 AI`, p.from, ai);
  if (forbidden.has(ai) || !def.dlAttribute)
    return err('dl-attribute', `(${ai}) may not be a data attribute here (key or qualifier of the path)`, p.from, ai);
  if (keyEnd >= p.to - 1) return err('length', `(${ai}) has an empty value`, p.from, ai);
  return decodeValue(s, ai, { from: keyEnd + 1, to: p.to }, true);
}

function readQuery(s: string, from: number, to: number, forbidden: Set<string>): AiRead[] | ScanError {
  const reads: AiRead[] = [];
  if (from >= to) return reads;
  for (const p of spansOf(s, from, to, '&')) {
    if (p.to === p.from) continue;
    const r = readAttribute(s, p, forbidden);
    if (r && 'rule' in r) return r;
    if (r) reads.push(r);
  }
  return reads;
}

function duplicate(reads: AiRead[]): ScanError | undefined {
  const seen = new Set<string>();
  for (const r of reads) {
    if (seen.has(r.ai)) return err('duplicate-ai', `(${r.ai}) appears twice in the Digital Link`, r.pos, r.ai);
    seen.add(r.ai);
  }
  return undefined;
}

/** Parse a GS1 Digital Link URI (from s[start]) into its AIs: path key and qualifiers, then query attributes. */
export function readDigitalLink(s: string, start: number): ReadOutcome {
  const r = readUri(s, start);
  return Array.isArray(r) ? { reads: r } : { reads: [], error: r };
}

function readUri(s: string, start: number): AiRead[] | ScanError {
  const scheme = SCHEMES.find((p) => s.startsWith(p, start));
  if (!scheme) return err('syntax', 'a Digital Link starts http:// or https://', start);
  const hostFrom = start + scheme.length;
  const hash = s.indexOf('#', hostFrom);
  const end = hash < 0 ? s.length : hash;
  const qm = s.indexOf('?', hostFrom);
  const pathEnd = qm < 0 || qm > end ? end : qm;
  const slash = s.indexOf('/', hostFrom);
  if (slash < 0 || slash >= pathEnd)
    return err('dl-primary-key', 'a Digital Link needs a path with a primary key', hostFrom);
  const hostErr = hostError(s, hostFrom, slash);
  if (hostErr) return hostErr;
  if (s.charCodeAt(pathEnd - 1) === 47) return err('syntax', 'a Digital Link path must not end with "/"', pathEnd - 1);
  const path = readPath(s, spansOf(s, slash + 1, pathEnd, '/'));
  if ('rule' in path) return path;
  const attrs = readQuery(s, pathEnd + 1, end, path.forbidden);
  if ('rule' in attrs) return attrs;
  const reads = [...path.reads, ...attrs];
  return duplicate(reads) ?? reads;
}
