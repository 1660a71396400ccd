import { gs1CheckDigit } from '../../scan/index.js';

/**
 * EPC pure-identity, class and pattern URNs, and GS1 Digital Link URIs on any host, as the canonical
 * `https://id.gs1.org/…` form the CBV 2.0 event hash uses (EPC Tag Data Standard's URN ↔ Digital Link mapping).
 * Anything else comes back unchanged.
 */
export function canonicalGs1Uri(value: string): string {
  if (value.startsWith('urn:epc:')) return fromEpcUrn(value) ?? value;
  if (/^https?:\/\//.test(value)) return fromDigitalLink(value) ?? value;
  return value;
}

const ID = 'https://id.gs1.org';
/** Company prefix + reference + its check digit (GLN, GTIN, SSCC, GDTI, GRAI, …). */
const key = (digits: string) => `${digits}${gs1CheckDigit(digits)}`;
/** GTIN-14 from the URN's company prefix and indicator + item reference. */
const gtinOf = (cp: string, ir: string) => key(`${ir.slice(0, 1)}${cp}${ir.slice(1)}`);
const unescape = (s: string) => {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
};

type Converter = (p: string[]) => string | undefined;

/** Per scheme: the URN's dot-separated parts → the Digital Link path (undefined when malformed). */
const ID_SCHEMES: Record<string, Converter> = {
  sgtin: ([cp, ir, s]) => (s === undefined ? undefined : `/01/${gtinOf(cp!, ir!)}/21/${unescape(s)}`),
  sscc: ([cp, sr]) => `/00/${key(`${sr!.slice(0, 1)}${cp}${sr!.slice(1)}`)}`,
  sgln: ([cp, lr, ext]) =>
    `/414/${key(`${cp}${lr}`)}${ext === undefined || ext === '0' ? '' : `/254/${unescape(ext)}`}`,
  pgln: ([cp, pr]) => `/417/${key(`${cp}${pr}`)}`,
  gdti: ([cp, dt, s]) => `/253/${key(`${cp}${dt}`)}${unescape(s ?? '')}`,
  grai: ([cp, at, s]) => `/8003/0${key(`${cp}${at}`)}${unescape(s ?? '')}`,
  giai: ([cp, ar]) => `/8004/${cp}${unescape(ar ?? '')}`,
  gsrn: ([cp, sr]) => `/8018/${key(`${cp}${sr}`)}`,
  gsrnp: ([cp, sr]) => `/8017/${key(`${cp}${sr}`)}`,
  sgcn: ([cp, ct, s]) => `/255/${key(`${cp}${ct}`)}${s ?? ''}`,
  ginc: ([cp, ref]) => `/401/${cp}${unescape(ref ?? '')}`,
  gsin: ([cp, sr]) => `/402/${key(`${cp}${sr}`)}`,
  cpi: ([cp, ref, s]) => `/8010/${cp}${unescape(ref ?? '')}/8011/${s}`,
  itip: ([cp, ir, pc, tot, s]) => `/8006/${gtinOf(cp!, ir!)}${pc}${tot}/21/${unescape(s ?? '')}`,
  upui: ([cp, ir, tpx]) => `/01/${gtinOf(cp!, ir!)}/235/${unescape(tpx ?? '')}`,
};
const CLASS_SCHEMES: Record<string, Converter> = {
  lgtin: ([cp, ir, lot]) => `/01/${gtinOf(cp!, ir!)}/10/${unescape(lot ?? '')}`,
};
const PATTERN_SCHEMES: Record<string, Converter> = {
  sgtin: ([cp, ir]) => `/01/${gtinOf(cp!, ir!)}`,
  grai: ([cp, at]) => `/8003/0${key(`${cp}${at}`)}`,
  gdti: ([cp, dt]) => `/253/${key(`${cp}${dt}`)}`,
  sgcn: ([cp, ct]) => `/255/${key(`${cp}${ct}`)}`,
  cpi: ([cp, ref]) => `/8010/${cp}${unescape(ref ?? '')}`,
  itip: ([cp, ir, pc, tot]) => `/8006/${gtinOf(cp!, ir!)}${pc}${tot}`,
};

function fromEpcUrn(urn: string): string | undefined {
  const m = /^urn:epc:(id|class|idpat):([a-z]+):([^:]+)$/.exec(urn);
  if (!m) return undefined;
  const table = m[1] === 'id' ? ID_SCHEMES : m[1] === 'class' ? CLASS_SCHEMES : PATTERN_SCHEMES;
  const convert = table[m[2]!];
  const parts = m[3]!.split('.');
  if (!convert || parts.length < 2 || !/^\d+$/.test(parts[0]!)) return undefined;
  try {
    const path = convert(parts);
    return path === undefined ? undefined : `${ID}${path}`;
  } catch {
    return undefined; // a non-digit reference where digits were due: not an EPC we can map
  }
}

/** Primary keys of GS1 Digital Link: a URI on any host whose path holds one is rewritten onto id.gs1.org. */
const PRIMARY_AIS = [
  '00',
  '01',
  '253',
  '255',
  '401',
  '402',
  '414',
  '417',
  '8003',
  '8004',
  '8006',
  '8010',
  '8017',
  '8018',
];
const DL_PATH = new RegExp(`/(${PRIMARY_AIS.join('|')})/[^/?#]+(?:/[^?#]*)?`);

function fromDigitalLink(uri: string): string | undefined {
  const noQuery = uri.replace(/[?#].*$/, '');
  const m = DL_PATH.exec(noQuery.replace(/^https?:\/\/[^/]+/, ''));
  return m ? `${ID}${m[0].replace(/\/$/, '')}` : undefined;
}
