import fc from 'fast-check';
import {
  canonicalDigitalLink,
  parseEpcUrn,
  parseScan,
  SCAN_RULES,
  sgtinUrn,
  ssccUrn,
  toElementString,
  toHri,
} from '../../src/scan/index.js';
import { GS, identityOf, NOW } from './helpers.js';

const CSET82 = `!"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz`;

/** A check digit written independently of the code under test: odd positions from the right weigh 3. */
function mod10(body: string): string {
  const digits = [...body].reverse().map(Number);
  const sum = digits.reduce((acc, d, i) => acc + d * (i % 2 === 0 ? 3 : 1), 0);
  return String((10 - (sum % 10)) % 10);
}

const digits = (n: number) => fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: n, maxLength: n });
const gtin = digits(13).map((b) => b + mod10(b));
const sscc = digits(17).map((b) => b + mod10(b));
const x82 = (max: number) => fc.string({ unit: fc.constantFrom(...CSET82), minLength: 1, maxLength: max });
const yymmdd = fc
  .tuple(fc.integer({ min: 0, max: 99 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 0, max: 28 }))
  .map(([y, m, d]) => [y, m, d].map((n) => String(n).padStart(2, '0')).join(''));

/** The AIs of a pharma pack: GTIN, and any of serial, lot, expiry, CPV, production date, a national code. */
const packAis = fc
  .record(
    {
      '01': gtin,
      '21': x82(20),
      '10': x82(20),
      '17': yymmdd,
      '22': x82(20),
      '11': yymmdd,
      '714': x82(20),
      '240': x82(30),
    },
    { requiredKeys: ['01'] },
  )
  .map((r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)) as Record<string, string>);

/** Element string written naively by the test: every AI followed by GS, in the given order. */
function naiveElementString(ais: [string, string][], extraGs: boolean[]): string {
  return ais.map(([ai, v], i) => `${ai}${v}${GS}${extraGs[i] ? GS : ''}`).join('');
}

describe('round trips (fast-check)', () => {
  it('element string (any AI order, superfluous GS) → identity → element string, HRI, Digital Link → same identity', () => {
    fc.assert(
      fc.property(packAis, fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }), fc.boolean(), (ais, gs, reverse) => {
        const entries = Object.entries(ais);
        if (reverse) entries.reverse();
        const id = identityOf(']d2' + naiveElementString(entries, gs));
        expect(id.ais).toEqual(ais);
        expect(id.gtin).toBe(ais['01']);
        expect(identityOf(']d2' + toElementString(id))).toEqual(id);
        expect(identityOf(toHri(id))).toEqual(id);
        expect(identityOf(canonicalDigitalLink(id))).toEqual(id);
      }),
      { numRuns: 2000 },
    );
  });

  it('a Digital Link on any host and path prefix names the same identity as the canonical one', () => {
    const word = fc.string({
      unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789-'),
      minLength: 1,
      maxLength: 8,
    });
    fc.assert(
      fc.property(packAis, word, fc.array(word, { maxLength: 3 }), (ais, host, prefix) => {
        const id = identityOf(toHri({ gtin: '', ais }));
        const canonical = canonicalDigitalLink(id);
        const other = canonical.replace(
          'https://id.gs1.org',
          `https://${host}.example${prefix.map((p) => `/${p}`).join('')}`,
        );
        expect(identityOf(other)).toEqual(id);
      }),
      { numRuns: 1000 },
    );
  });

  it('SGTIN and SSCC URNs decode to the keys they were made from, for every company-prefix length', () => {
    fc.assert(
      fc.property(gtin, x82(20), sscc, fc.integer({ min: 6, max: 12 }), (g, serial, s, n) => {
        const id = { gtin: g, serial, ais: {} };
        expect(parseEpcUrn(sgtinUrn(id, n))).toEqual({
          ok: true,
          epc: { scheme: 'sgtin', companyPrefix: g.substring(1, 1 + n), gtin: g, serial },
        });
        expect(parseEpcUrn(ssccUrn(s, n))).toEqual({
          ok: true,
          epc: { scheme: 'sscc', companyPrefix: s.substring(1, 1 + n), sscc: s },
        });
      }),
      { numRuns: 1000 },
    );
  });
});

/** What every accepted scan guarantees, whatever the input was. */
function checkInvariants(raw: string): void {
  const r = parseScan(raw, NOW);
  if (!r.ok) {
    expect(SCAN_RULES).toContain(r.error.rule);
    expect(r.error.message.length).toBeGreaterThan(0);
    return;
  }
  const { gtin: g, serial, expiry } = r.identity;
  expect(g === '' || /^\d{14}$/.test(g)).toBe(true);
  if (g) expect(mod10(g.slice(0, 13))).toBe(g[13]);
  if (serial !== undefined) expect(serial.length).toBeLessThanOrEqual(20);
  if (expiry !== undefined) expect(expiry).toMatch(/^\d{4}-\d{2}-\d{2}$/);
}

describe('fuzz: parseScan never throws', () => {
  it('random bytes only ever give a parse error', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const r = parseScan(String.fromCharCode(...bytes), NOW);
        expect(r.ok).toBe(false);
      }),
      { numRuns: 10000 },
    );
  });

  it('random unicode strings, with or without a symbology identifier, only give results or errors', () => {
    const sym = fc.constantFrom(
      '',
      ']d2',
      ']d1',
      ']Q1',
      ']Q3',
      ']C1',
      ']e0',
      ']E0',
      ']E4',
      ']zz',
      'https://a/',
      '(01)',
    );
    fc.assert(
      fc.property(sym, fc.string({ unit: 'binary', maxLength: 200 }), (prefix, body) => checkInvariants(prefix + body)),
      { numRuns: 10000 },
    );
  });

  it('mutations of valid scans (a character inserted, deleted or replaced) never throw', () => {
    const valid = fc.oneof(
      packAis.map((ais) => ']d2' + toElementString({ gtin: '', ais })),
      packAis.map((ais) => toHri({ gtin: '', ais })),
      packAis.map((ais) => canonicalDigitalLink({ gtin: '', ais })),
    );
    const edit = fc.tuple(
      fc.nat(),
      fc.constantFrom('insert', 'delete', 'replace'),
      fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
    );
    fc.assert(
      fc.property(valid, fc.array(edit, { minLength: 1, maxLength: 3 }), (raw, edits) => {
        let s = raw;
        for (const [at, op, ch] of edits) {
          const i = at % (s.length + 1);
          s = s.slice(0, i) + (op === 'delete' ? '' : ch) + s.slice(op === 'insert' ? i : i + 1);
        }
        checkInvariants(s);
      }),
      { numRuns: 5000 },
    );
  });

  it('parseEpcUrn never throws on random input after a scheme prefix', () => {
    const scheme = fc.constantFrom(
      'urn:epc:id:sgtin:',
      'urn:epc:id:sscc:',
      'urn:epc:id:sgln:',
      'urn:epc:id:pgln:',
      'urn:epc:class:lgtin:',
      '',
    );
    fc.assert(
      fc.property(scheme, fc.string({ unit: fc.constantFrom(...'0123456789.%2Fa'), maxLength: 40 }), (p, body) => {
        const r = parseEpcUrn(p + body);
        expect(typeof r.ok).toBe('boolean');
      }),
      { numRuns: 10000 },
    );
  });
});
