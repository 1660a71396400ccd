// The CBV 2.0 event hash against the reference implementation's published vectors (GS1 EPCIS repository
// snapshot in test/fixtures/epcis/hash-vectors: each X.jsonld with X.prehashes and X.hashes, in document order).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalTime, eventHash, namespacesOf, preHashString } from '../../src/epcis/domain/event-hash.js';
import { canonicalGs1Uri } from '../../src/epcis/domain/gs1-uri.js';

const dir = join(import.meta.dirname, '../fixtures/epcis/hash-vectors');
const lines = (file: string) =>
  readFileSync(join(dir, file), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '');
const documentOf = (name: string) => JSON.parse(readFileSync(join(dir, `${name}.jsonld`), 'utf8'));
const eventsOf = (doc: { epcisBody: { eventList: Record<string, unknown>[] } }) => doc.epcisBody.eventList;

describe('CBV 2.0 event hash — published vectors', () => {
  // epcisDocWithAllGS1Keys is left out: its .prehashes in the snapshot is garbled (its hash is not the SHA-256
  // of its own pre-hash line), so it pins nothing.
  it.each([
    'ReferenceEventHashAlgorithm',
    'ReferenceEventHashAlgorithm2',
    'TimeStampRoundOff',
    'epcisDocWithSingleEvent',
  ])('%s: pre-hash strings and hashes match the vectors', (name) => {
    const doc = documentOf(name);
    const ns = namespacesOf(doc['@context']);
    const events = eventsOf(doc);
    expect(events.map((e) => preHashString(e, ns))).toEqual(lines(`${name}.prehashes`));
    expect(events.map((e) => eventHash(e, ns))).toEqual(lines(`${name}.hashes`));
  });

  // This vector predates CBV 2.0's final order (sourceList before destinationList, as the standard's property
  // table and the reference implementation now have it): every other segment must match exactly.
  it('ReferenceEventHashAlgorithm3: same segments, sourceList before destinationList', () => {
    const doc = documentOf('ReferenceEventHashAlgorithm3');
    const [vector] = lines('ReferenceEventHashAlgorithm3.prehashes');
    const dest = /destinationList.*?(?=sourceList)/.exec(vector!)![0];
    const src = /sourceList.*?(?={)/.exec(vector!)![0];
    const expected = vector!.replace(dest + src, src + dest);
    expect(preHashString(eventsOf(doc)[0]!, namespacesOf(doc['@context']))).toBe(expected);
  });

  it('ignores eventID, recordTime and errorDeclaration: a correction hashes like what it corrects', () => {
    const doc = documentOf('epcisDocWithSingleEvent');
    const [event] = eventsOf(doc);
    const declared = {
      ...event,
      eventID: 'urn:uuid:1',
      recordTime: '2030-01-01T00:00:00Z',
      errorDeclaration: { declarationTime: '2030-01-01T00:00:00Z', reason: 'incorrect_data' },
    };
    expect(eventHash(declared, namespacesOf(doc['@context']))).toBe(lines('epcisDocWithSingleEvent.hashes')[0]);
  });
});

describe('canonical forms', () => {
  it('rounds times half up to milliseconds in UTC', () => {
    expect(canonicalTime('2023-02-02T11:04:03.1415Z')).toBe('2023-02-02T11:04:03.142Z');
    expect(canonicalTime('2023-02-02T11:04:03.1414Z')).toBe('2023-02-02T11:04:03.141Z');
    expect(canonicalTime('2020-04-01T15:00:00+01:00')).toBe('2020-04-01T14:00:00.000Z');
    expect(canonicalTime('2022-02-16T23:59:59.9996-01:00')).toBe('2022-02-17T01:00:00.000Z');
  });

  it('maps EPC URNs and foreign-host Digital Links onto id.gs1.org (check digits by hand)', () => {
    // 0 + 9521234 + 54321 → 095212345432 1: 3·(0+5+1+3+5+3)… check digit 3 (research brief test data).
    expect(canonicalGs1Uri('urn:epc:id:sgtin:9521234.054321.ABC1')).toBe(
      'https://id.gs1.org/01/09521234543213/21/ABC1',
    );
    expect(canonicalGs1Uri('urn:epc:id:sgln:4012345.00011.0')).toBe('https://id.gs1.org/414/4012345000115');
    expect(canonicalGs1Uri('urn:epc:id:pgln:4012345.00000')).toBe('https://id.gs1.org/417/4012345000009');
    expect(canonicalGs1Uri('urn:epc:class:lgtin:4054739.099914.20160711')).toBe(
      'https://id.gs1.org/01/04054739999148/10/20160711',
    );
    expect(canonicalGs1Uri('https://example.com/some/prefix/00/040123451111111110?x=1')).toBe(
      'https://id.gs1.org/00/040123451111111110',
    );
    expect(canonicalGs1Uri('http://transaction.acme.com/po/12345678')).toBe('http://transaction.acme.com/po/12345678');
  });
});
