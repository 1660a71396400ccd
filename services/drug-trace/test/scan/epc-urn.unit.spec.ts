import {
  canonicalDigitalLink,
  epcToIdentity,
  lgtinUrn,
  parseEpcUrn,
  parseScan,
  pglnUrn,
  sglnUrn,
  sgtinUrn,
  ssccUrn,
} from '../../src/scan/index.js';

// Pairs of EPC URN and canonical Digital Link published with the EPCIS 2.0 event-hash reference
// implementation (/work/shared/epcis/hash-vectors: *.jsonld against *.prehashes), and the EPC Tag Data
// Standard's own examples. The company-prefix length is the number of digits before the first dot.
const VECTORS: [urn: string, link: string][] = [
  ['urn:epc:id:sgtin:4012345.011111.9876', 'https://id.gs1.org/01/04012345111118/21/9876'],
  ['urn:epc:id:sgtin:0614141.011111.987', 'https://id.gs1.org/01/00614141111114/21/987'],
  ['urn:epc:id:sgtin:4012345.012345.12', 'https://id.gs1.org/01/04012345123456/21/12'],
  ['urn:epc:id:sgtin:0614141.107346.2017', 'https://id.gs1.org/01/10614141073464/21/2017'],
  ['urn:epc:id:sscc:4012345.0000000111', 'https://id.gs1.org/00/040123450000001112'],
  ['urn:epc:id:sscc:4012345.0000000222', 'https://id.gs1.org/00/040123450000002225'],
  ['urn:epc:id:sscc:4012345.0000000333', 'https://id.gs1.org/00/040123450000003338'],
  ['urn:epc:id:sgln:4012345.00011.987', 'https://id.gs1.org/414/4012345000115/254/987'],
  ['urn:epc:id:sgln:4012345.00011.0', 'https://id.gs1.org/414/4012345000115'],
  ['urn:epc:id:sgln:4012345.00005.0', 'https://id.gs1.org/414/4012345000054'],
  ['urn:epc:id:sgln:0614141.07346.1234', 'https://id.gs1.org/414/0614141073467/254/1234'],
  ['urn:epc:id:pgln:0614141.00000', 'https://id.gs1.org/417/0614141000005'],
  ['urn:epc:id:pgln:4012345.00000', 'https://id.gs1.org/417/4012345000009'],
  ['urn:epc:class:lgtin:4054739.099914.20160711', 'https://id.gs1.org/01/04054739999148/10/20160711'],
  // EPC TDS examples
  ['urn:epc:id:sgtin:0614141.812345.6789', 'https://id.gs1.org/01/80614141123458/21/6789'],
  ['urn:epc:id:sscc:0614141.1234567890', 'https://id.gs1.org/00/106141412345678908'],
  ['urn:epc:id:sgln:0614141.12345.5678', 'https://id.gs1.org/414/0614141123452/254/5678'],
];

function prefixLength(urn: string): number {
  return (urn.split(':')[4] as string).split('.')[0]!.length;
}

describe('EPC URNs', () => {
  it.each(VECTORS)('%s ↔ %s', (urn, link) => {
    const parsed = parseEpcUrn(urn);
    if (!parsed.ok) throw new Error(parsed.error.message);
    expect(canonicalDigitalLink(epcToIdentity(parsed.epc))).toBe(link);

    const scan = parseScan(link);
    if (!scan.ok) throw new Error(scan.error.message);
    const id = scan.identity;
    const n = prefixLength(urn);
    const back = urn.includes(':sgtin:')
      ? sgtinUrn(id, n)
      : urn.includes(':lgtin:')
        ? lgtinUrn(id, n)
        : urn.includes(':sscc:')
          ? ssccUrn(id.sscc as string, n)
          : urn.includes(':pgln:')
            ? pglnUrn(id.gln as string, n)
            : sglnUrn(id.gln as string, n, id.ais['254']);
    expect(back).toBe(urn);
  });

  it('escapes the set-82 characters an EPC URN reserves, and unescapes them', () => {
    const id = { gtin: '80614141123458', serial: 'A/B%C&D"E<F>G?H.I', ais: {} };
    const urn = sgtinUrn(id, 7);
    expect(urn).toBe('urn:epc:id:sgtin:0614141.812345.A%2FB%25C%26D%22E%3CF%3EG%3FH.I');
    expect(parseEpcUrn(urn)).toEqual({
      ok: true,
      epc: { scheme: 'sgtin', companyPrefix: '0614141', gtin: '80614141123458', serial: 'A/B%C&D"E<F>G?H.I' },
    });
  });

  it('takes the company-prefix length from the caller (6 to 12)', () => {
    const id = { gtin: '80614141123458', serial: '1', ais: {} };
    expect(sgtinUrn(id, 6)).toBe('urn:epc:id:sgtin:061414.8112345.1');
    expect(sgtinUrn(id, 12)).toBe('urn:epc:id:sgtin:061414112345.8.1');
    expect(() => sgtinUrn(id, 5)).toThrow(RangeError);
    expect(() => sgtinUrn(id, 13)).toThrow(RangeError);
    expect(() => sgtinUrn({ gtin: '80614141123458', ais: {} }, 7)).toThrow(/serial/);
    expect(() => sgtinUrn({ gtin: '80614141123459', serial: '1', ais: {} }, 7)).toThrow(/GTIN/);
    expect(sglnUrn('0614141123452', 12)).toBe('urn:epc:id:sgln:061414112345..0');
  });

  it.each([
    'urn:epc:id:sgtin:0614141.81234.6789', // 12 digits, not 13
    'urn:epc:id:sgtin:0614141.812345', // no serial
    'urn:epc:id:sgtin:0614141.812345.', // empty serial
    'urn:epc:id:sgtin:06141.4181234567.1', // prefix shorter than 6
    'urn:epc:id:sgtin:0614141.812345.%2', // broken escape
    'urn:epc:id:sgtin:0614141.812345.123456789012345678901', // serial of 21
    'urn:epc:id:sgtin:0614141.812345.a b', // space
    'urn:epc:id:sscc:0614141.123456789', // 16 digits
    'urn:epc:id:sscc:0614141.1234567890.1',
    'urn:epc:id:sgln:0614141.12345', // no extension field
    'urn:epc:id:sgln:0614141.1234.0',
    'urn:epc:id:grai:4012345.66666.87', // a scheme this service does not use
    'https://id.gs1.org/01/80614141123458',
    '',
  ])('refuses %s', (urn) => {
    const r = parseEpcUrn(urn);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.rule).toBe('epc-urn');
  });
});
