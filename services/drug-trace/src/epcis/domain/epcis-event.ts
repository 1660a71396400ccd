import { cbvWord } from './cbv.js';
import { eventHash, type NamespaceMap } from './event-hash.js';
import { canonicalGs1Uri } from './gs1-uri.js';

/** A class-level amount (quantityList, childQuantityList, outputQuantityList): the class as a canonical Digital Link. */
export interface Quantity {
  epcClass: string;
  /** Absent when the event gives the class without an amount. */
  quantity: number | null;
  /** UN/CEFACT unit code; absent = a count of items. */
  uom: string | null;
}

/** One event of a captured document, with what the service indexes and acts on (EPCs as canonical Digital Links). */
export interface EpcisEvent {
  /** Position in the document's eventList (named in errors). */
  index: number;
  /** The CBV 2.0 event hash: the event's identity. */
  hash: string;
  /** Its SHA-256 digest as 0x-hex: the leaf data anchored on-chain. */
  digest: string;
  type: string;
  eventTime: Date;
  action: string | null;
  bizStep: string | null;
  disposition: string | null;
  readPoint: string | null;
  bizLocation: string | null;
  parentId: string | null;
  /** Every EPC the event names: epcList, childEPCs, inputs, outputs and the parent. */
  epcs: string[];
  /** EPCs the event is about directly (epcList, childEPCs, outputs), without the parent. */
  subjects: string[];
  /** Class-level amounts it is about directly (quantityList, childQuantityList, outputQuantityList). */
  quantities: Quantity[];
  sources: Array<{ type: string; id: string }>;
  destinations: Array<{ type: string; id: string }>;
  ilmd: Record<string, unknown> | null;
  errorDeclaration: Record<string, unknown> | null;
  body: Record<string, unknown>;
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
const idOf = (v: unknown): string | null => {
  const id = (v as { id?: unknown } | undefined)?.id;
  return typeof id === 'string' ? canonicalGs1Uri(id) : null;
};
const text = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const quantitiesOf = (...lists: unknown[]): Quantity[] =>
  lists.flatMap((list) =>
    (Array.isArray(list) ? (list as Array<Record<string, unknown>>) : []).flatMap((q) =>
      typeof q.epcClass === 'string'
        ? [
            {
              epcClass: canonicalGs1Uri(q.epcClass),
              quantity: typeof q.quantity === 'number' ? q.quantity : null,
              uom: text(q.uom),
            },
          ]
        : [],
    ),
  );
const ends = (list: unknown, key: 'source' | 'destination') =>
  (Array.isArray(list) ? (list as Array<Record<string, unknown>>) : []).map((e) => ({
    type: cbvWord('SDT', String(e.type)),
    id: canonicalGs1Uri(String(e[key])),
  }));

/** Reads one schema-valid event into the indexed form. */
export function toEpcisEvent(raw: Record<string, unknown>, index: number, ns: NamespaceMap): EpcisEvent {
  const hash = eventHash(raw, ns);
  const subjects = [...strings(raw.epcList), ...strings(raw.childEPCs), ...strings(raw.outputEPCList)].map(
    canonicalGs1Uri,
  );
  const parentId = typeof raw.parentID === 'string' ? canonicalGs1Uri(raw.parentID) : null;
  const inputs = strings(raw.inputEPCList).map(canonicalGs1Uri);
  const bizStep = text(raw.bizStep);
  const disposition = text(raw.disposition);
  return {
    index,
    hash,
    digest: `0x${/sha-256;([0-9a-f]{64})/.exec(hash)![1]}`,
    type: String(raw.type),
    eventTime: new Date(String(raw.eventTime)),
    action: text(raw.action),
    bizStep: bizStep === null ? null : cbvWord('BizStep', bizStep),
    disposition: disposition === null ? null : cbvWord('Disp', disposition),
    readPoint: idOf(raw.readPoint),
    bizLocation: idOf(raw.bizLocation),
    parentId,
    epcs: [...new Set([...subjects, ...inputs, ...(parentId ? [parentId] : [])])],
    subjects,
    quantities: quantitiesOf(raw.quantityList, raw.childQuantityList, raw.outputQuantityList),
    sources: ends(raw.sourceList, 'source'),
    destinations: ends(raw.destinationList, 'destination'),
    ilmd: typeof raw.ilmd === 'object' && raw.ilmd !== null ? (raw.ilmd as Record<string, unknown>) : null,
    errorDeclaration:
      typeof raw.errorDeclaration === 'object' && raw.errorDeclaration !== null
        ? (raw.errorDeclaration as Record<string, unknown>)
        : null,
    body: raw,
  };
}

/** A canonical Digital Link's parts: a pack (SGTIN), a logistic unit (SSCC), a location or a party GLN. */
export type Gs1Key =
  | { kind: 'sgtin'; gtin: string; serial: string }
  | { kind: 'sscc'; sscc: string }
  | { kind: 'sgln'; gln: string }
  | { kind: 'pgln'; gln: string };

export function keyOf(dl: string): Gs1Key | undefined {
  let m = /^https:\/\/id\.gs1\.org\/01\/(\d{14})\/21\/([^/?#]+)$/.exec(dl);
  if (m) return { kind: 'sgtin', gtin: m[1]!, serial: safeDecode(m[2]!) };
  m = /^https:\/\/id\.gs1\.org\/00\/(\d{18})$/.exec(dl);
  if (m) return { kind: 'sscc', sscc: m[1]! };
  m = /^https:\/\/id\.gs1\.org\/414\/(\d{13})(?:\/254\/[^/]+)?$/.exec(dl);
  if (m) return { kind: 'sgln', gln: m[1]! };
  m = /^https:\/\/id\.gs1\.org\/417\/(\d{13})$/.exec(dl);
  if (m) return { kind: 'pgln', gln: m[1]! };
  return undefined;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** The GLN an event happened at: its business location, else its read point. */
export function siteOf(e: Pick<EpcisEvent, 'bizLocation' | 'readPoint'>): string | null {
  for (const dl of [e.bizLocation, e.readPoint]) {
    const k = dl ? keyOf(dl) : undefined;
    if (k?.kind === 'sgln') return k.gln;
  }
  return null;
}

/** The canonical Digital Link of a pack (the form events are indexed by). */
export const sgtinDl = (gtin: string, serial: string) => `https://id.gs1.org/01/${gtin}/21/${serial}`;
