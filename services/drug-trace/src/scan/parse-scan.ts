import { isDigitalLink, readDigitalLink } from './digital-link.js';
import { GS, readElementString } from './element-string.js';
import { readHri } from './hri.js';
import { toIdentity } from './identity.js';
import type { ParseOptions, ScanError, ScanForm, ScanResult } from './types.js';
import type { ReadOutcome } from './values.js';

/** Longer than any GS1 symbol holds (a QR code: 7,089 digits): refused before any work. */
export const MAX_SCAN_LENGTH = 8192;

/** Symbology identifiers (ISO/IEC 15424) that announce GS1 element strings (FNC1 in first position). */
const GS1_SYMBOLOGIES = new Set([']d2', ']Q3', ']C1', ']e0', ']J1']);
/** Plain-data symbologies: a Digital Link URI (or a bracketed HRI keyed in). */
const PLAIN_SYMBOLOGIES = new Set([']d1', ']Q1']);
/** EAN/UPC: the 13 (or EAN-8: 8) digits of a GTIN, no AIs. */
const EAN_LENGTH: Record<string, number> = { ']E0': 13, ']E4': 8 };

type Reads = (ReadOutcome & { form: ScanForm }) | ScanError;

function fail(error: ScanError): ScanResult {
  return { ok: false, error };
}

/** Keyboard-wedge scanners end a scan with CR, LF, CRLF or TAB: drop that suffix (two characters at most). */
function contentEnd(raw: string): number {
  let end = raw.length;
  while (end > 0 && end > raw.length - 2) {
    const c = raw.charCodeAt(end - 1);
    if (c !== 13 && c !== 10 && c !== 9) break;
    end--;
  }
  return end;
}

function readUntagged(s: string, start: number): Reads {
  if (isDigitalLink(s, start)) return wrap(readDigitalLink(s, start), 'digital-link');
  if (s.charCodeAt(start) === 40) return wrap(readHri(s, start), 'hri');
  return wrap(readElementString(s, start), 'element-string');
}

function wrap(r: ReadOutcome, form: ScanForm): Reads {
  return { ...r, form };
}

function readEan(s: string, symbology: string): Reads {
  const digits = s.substring(3);
  if (digits.length !== EAN_LENGTH[symbology])
    return { ai: '01', rule: 'length', message: `${symbology} carries ${EAN_LENGTH[symbology]} digits`, position: 3 };
  return { reads: [{ ai: '01', value: digits.padStart(14, '0'), pos: 3 }], form: 'element-string' };
}

function readTagged(s: string, symbology: string): Reads {
  if (GS1_SYMBOLOGIES.has(symbology))
    // Scanners with "GS1 formatting" on send the bracketed form after a GS1 identifier; "(" starts no AI.
    return s.charCodeAt(3) === 40 ? wrap(readHri(s, 3), 'hri') : wrap(readElementString(s, 3), 'element-string');
  if (symbology in EAN_LENGTH) return readEan(s, symbology);
  if (!PLAIN_SYMBOLOGIES.has(symbology))
    return { rule: 'symbology', message: `symbology identifier ${symbology} carries no GS1 data`, position: 0 };
  if (isDigitalLink(s, 3)) return wrap(readDigitalLink(s, 3), 'digital-link');
  if (s.charCodeAt(3) === 40) return wrap(readHri(s, 3), 'hri');
  if (s.charCodeAt(3) === GS) return wrap(readElementString(s, 3), 'element-string');
  return { rule: 'symbology', message: `${symbology} data is neither a Digital Link URI nor GS1 data`, position: 3 };
}

/**
 * Parse what a scanner sends — optional symbology identifier, then a GS1 element string (GS separators), a
 * bracketed HRI or a GS1 Digital Link URI — into one validated identity. Never throws.
 */
export function parseScan(raw: string, options: ParseOptions = {}): ScanResult {
  if (typeof raw !== 'string') return fail({ rule: 'empty', message: 'the scan is not a string' });
  if (raw.length > MAX_SCAN_LENGTH)
    return fail({ rule: 'length', message: `the scan is longer than ${MAX_SCAN_LENGTH} characters` });
  const s = raw.substring(0, contentEnd(raw));
  if (s.length === 0) return fail({ rule: 'empty', message: 'the scan is empty', position: 0 });
  const symbology = s.charCodeAt(0) === 93 ? s.substring(0, 3) : undefined;
  if (symbology !== undefined && s.length <= 3)
    return fail({ rule: 'empty', message: `nothing after the symbology identifier ${symbology}`, position: 0 });
  const read = symbology ? readTagged(s, symbology) : readUntagged(s, 0);
  if ('rule' in read) return fail(read);
  const refYear = (options.now ?? new Date()).getUTCFullYear();
  const identity = toIdentity(read.reads, refYear, read.error);
  if ('rule' in identity) return fail(identity);
  return symbology ? { ok: true, identity, symbology, form: read.form } : { ok: true, identity, form: read.form };
}
