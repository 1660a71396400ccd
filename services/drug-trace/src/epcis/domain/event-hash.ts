import { createHash } from 'node:crypto';
import { cbvUri, type CbvVocabulary } from './cbv.js';
import { canonicalGs1Uri } from './gs1-uri.js';

/**
 * The CBV 2.0 "EPCIS event hash" (CBV §8.9): a pre-hash string of the event's properties in a fixed order,
 * values canonicalised (UTC times in milliseconds, CBV words as Web URIs, EPCs as canonical Digital Links,
 * list items sorted), user extensions last and sorted; `ni:///sha-256;<hex>?ver=CBV2.0` of its UTF-8 bytes.
 * eventID, recordTime and errorDeclaration are not part of it, so a correction has the hash of what it corrects.
 */
export function eventHash(event: Readonly<Record<string, unknown>>, context: NamespaceMap = {}): string {
  return `ni:///sha-256;${createHash('sha256').update(preHashString(event, context), 'utf8').digest('hex')}?ver=CBV2.0`;
}

/** JSON-LD prefixes ("example" → "https://ns.example.com/epcis/") that expand user-extension names. */
export type NamespaceMap = Readonly<Record<string, string>>;

type Leaf = { kind: 'leaf'; value?: (v: string) => string };
type Obj = { kind: 'obj'; order: Order };
/** A JSON array written as a header (the list's name) followed by its sorted items, each under `item`. */
type List = { kind: 'list'; item: string; of: Spec };
/** A JSON array whose items are each written under the property's own name, sorted, with no header. */
type Repeat = { kind: 'repeat'; of: Spec };
type Spec = Leaf | Obj | List | Repeat;
type Order = ReadonlyArray<readonly [string, Spec]>;

const leaf: Leaf = { kind: 'leaf' };
const vocab = (v: CbvVocabulary): Leaf => ({ kind: 'leaf', value: (s) => cbvUri(v, s) });
const gs1Voc: Leaf = { kind: 'leaf', value: (s) => (/^[A-Za-z_]+$/.test(s) ? `https://gs1.org/voc/${s}` : s) };
const time: Leaf = { kind: 'leaf', value: (s) => canonicalTime(s) };
const obj = (order: Order): Obj => ({ kind: 'obj', order });
const epcs: List = { kind: 'list', item: 'epc', of: leaf };
const quantities: List = {
  kind: 'list',
  item: 'quantityElement',
  of: obj([
    ['epcClass', leaf],
    ['quantity', leaf],
    ['uom', leaf],
  ]),
};
const party = (name: 'source' | 'destination'): List => ({
  kind: 'list',
  item: '',
  of: obj([
    ['type', vocab('SDT')],
    [name, leaf],
  ]),
});
const sensorMetadata = obj(
  ['time', 'startTime', 'endTime', 'deviceID', 'deviceMetadata', 'rawData', 'dataProcessingMethod', 'bizRules'].map(
    (n) => [n, n.endsWith('ime') ? time : leaf] as const,
  ),
);
const REPORT_FIELDS = ['type', 'exception', 'deviceID', 'deviceMetadata', 'rawData', 'dataProcessingMethod', 'time'];
const REPORT_VALUES = ['microorganism', 'chemicalSubstance', 'value', 'component', 'stringValue', 'booleanValue'];
const REPORT_STATS = ['hexBinaryValue', 'uriValue', 'minValue', 'maxValue', 'meanValue', 'sDev', 'percRank'];
const sensorReport = obj(
  [...REPORT_FIELDS, ...REPORT_VALUES, ...REPORT_STATS, 'percValue', 'uom', 'coordinateReferenceSystem'].map(
    (n) => [n, n === 'type' || n === 'exception' ? gs1Voc : n === 'time' ? time : leaf] as const,
  ),
);

/** CBV 2.0's canonical property order (the vectors in test/fixtures/epcis/hash-vectors pin it). */
const EVENT_ORDER: Order = [
  ['eventTime', time],
  ['eventTimeZoneOffset', leaf],
  ['certificationInfo', leaf],
  ['parentID', leaf],
  ['epcList', epcs],
  ['inputEPCList', epcs],
  ['childEPCs', epcs],
  ['quantityList', quantities],
  ['childQuantityList', quantities],
  ['inputQuantityList', quantities],
  ['outputEPCList', epcs],
  ['outputQuantityList', quantities],
  ['action', leaf],
  ['transformationID', leaf],
  ['bizStep', vocab('BizStep')],
  ['disposition', vocab('Disp')],
  [
    'persistentDisposition',
    obj([
      ['set', { kind: 'repeat', of: vocab('Disp') }],
      ['unset', { kind: 'repeat', of: vocab('Disp') }],
    ]),
  ],
  ['readPoint', obj([['id', leaf]])],
  ['bizLocation', obj([['id', leaf]])],
  [
    'bizTransactionList',
    {
      kind: 'list',
      item: '',
      of: obj([
        ['type', vocab('BTT')],
        ['bizTransaction', leaf],
      ]),
    },
  ],
  ['sourceList', party('source')],
  ['destinationList', party('destination')],
  [
    'sensorElementList',
    {
      kind: 'list',
      item: 'sensorElement',
      of: obj([
        ['sensorMetadata', sensorMetadata],
        ['sensorReport', { kind: 'repeat', of: sensorReport }],
      ]),
    },
  ],
  ['ilmd', obj([])],
];
/** Properties outside the hash, and JSON-LD keywords. */
const EXCLUDED = new Set(['type', 'eventID', 'recordTime', 'errorDeclaration', '@context', '@type', '@id']);

/** The pre-hash string itself (exported for tests against the published pre-hash vectors). */
export function preHashString(event: Readonly<Record<string, unknown>>, context: NamespaceMap = {}): string {
  return `eventType=${String(event.type)}${fields(event, EVENT_ORDER, context)}`;
}

function fields(o: Readonly<Record<string, unknown>>, order: Order, ns: NamespaceMap): string {
  const known = new Set(order.map(([n]) => n));
  let out = '';
  for (const [name, spec] of order) {
    const v = o[name];
    if (v !== undefined && v !== null) out += field(name, v, spec, ns);
  }
  const extensions = Object.keys(o)
    .filter((k) => !known.has(k) && !EXCLUDED.has(k))
    .flatMap((k) => extension(expand(k, ns), o[k], ns));
  return out + extensions.sort().join('');
}

function field(name: string, v: unknown, spec: Spec, ns: NamespaceMap): string {
  switch (spec.kind) {
    case 'leaf':
      return `${name}=${leafValue(v, spec)}`;
    case 'obj':
      return typeof v === 'object' && !Array.isArray(v)
        ? name + fields(v as Record<string, unknown>, spec.order, ns)
        : '';
    case 'list':
      return name + items(v, (item) => field(spec.item, item, spec.of, ns));
    case 'repeat':
      return items(v, (item) => field(name, item, spec.of, ns));
  }
}

function leafValue(v: unknown, spec: Leaf): string {
  const s = typeof v === 'string' ? canonicalGs1Uri(v) : String(v);
  return spec.value ? spec.value(s) : s;
}

const items = (v: unknown, one: (item: unknown) => string) => (Array.isArray(v) ? v : [v]).map(one).sort().join('');

/** A user extension: `{ns}name=value`, nested objects as their sorted children, arrays as repeated entries. */
function extension(name: string, v: unknown, ns: NamespaceMap): string[] {
  if (v === null || v === undefined) return [];
  if (Array.isArray(v)) return v.flatMap((item) => extension(name, item, ns));
  if (typeof v === 'object') {
    const children = Object.entries(v as Record<string, unknown>)
      .filter(([k]) => !EXCLUDED.has(k))
      .flatMap(([k, c]) => extension(expand(k, ns), c, ns));
    return [name + children.sort().join('')];
  }
  return [`${name}=${typeof v === 'string' ? canonicalGs1Uri(v) : String(v)}`];
}

/** "example:myField" → "{https://ns.example.com/epcis/}myField" when the prefix is declared. */
function expand(name: string, ns: NamespaceMap): string {
  const i = name.indexOf(':');
  if (i <= 0) return name;
  const uri = ns[name.slice(0, i)];
  return uri === undefined ? name : `{${uri}}${name.slice(i + 1)}`;
}

/**
 * An xsd:dateTime as UTC with exactly three fraction digits and "Z", rounding half up at the fourth digit
 * ("11:04:03.1415Z" → "11:04:03.142Z"), as the hash algorithm rounds. Unparseable text is returned unchanged.
 */
export function canonicalTime(s: string): string {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/.exec(s);
  if (!m) return s;
  const digits = (m[2] ?? '').padEnd(4, '0');
  const ms = Number(digits.slice(0, 3)) + (Number(digits[3]) >= 5 ? 1 : 0);
  const base = Date.parse(`${m[1]}${m[3] === 'Z' ? 'Z' : m[3]}`);
  if (Number.isNaN(base)) return s;
  return new Date(base + ms).toISOString();
}

/** Prefixes every EPCIS 2.0 document has from the standard context, plus those the document declares. */
export const STANDARD_NAMESPACES: NamespaceMap = {
  epcis: 'https://ref.gs1.org/epcis/',
  cbv: 'https://ref.gs1.org/cbv/',
  cbvmda: 'urn:epcglobal:cbv:mda:',
  gs1: 'https://gs1.org/voc/',
};

export function namespacesOf(context: unknown): NamespaceMap {
  const out: Record<string, string> = { ...STANDARD_NAMESPACES };
  for (const entry of Array.isArray(context) ? context : [context]) {
    if (typeof entry !== 'object' || entry === null) continue;
    for (const [k, v] of Object.entries(entry as Record<string, unknown>)) if (typeof v === 'string') out[k] = v;
  }
  return out;
}
