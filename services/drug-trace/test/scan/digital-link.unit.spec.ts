import { canonicalDigitalLink, parseScan, toElementString, toHri } from '../../src/scan/index.js';

import { accepted, NOW, refused as failure } from './helpers.js';

function ais(raw: string) {
  const r = accepted(raw);
  expect(r.form).toBe('digital-link');
  return r.identity.ais;
}

// Accepted URIs and their AIs: the GS1 Barcode Syntax Engine's Digital Link tests (dl.c), which include
// the examples of the GS1 Digital Link standard.
describe('GS1 Digital Link: accepted', () => {
  it.each<[string, Record<string, string>]>([
    ['http://a/00/006141411234567890', { '00': '006141411234567890' }],
    ['HTTP://a/00/006141411234567890', { '00': '006141411234567890' }],
    ['HTTPS://a/00/006141411234567890', { '00': '006141411234567890' }],
    ['https://a/01/12312312312333', { '01': '12312312312333' }],
    ['https://xn--fsq.xn--0zwm56d/01/12312312312333', { '01': '12312312312333' }],
    ['https://a:65535/01/12312312312333', { '01': '12312312312333' }],
    ['https://192.0.2.1/01/12312312312333', { '01': '12312312312333' }],
    ['https://[2001:db8::1]/01/12312312312333', { '01': '12312312312333' }],
    ['https://a/stem/00/006141411234567890', { '00': '006141411234567890' }],
    ['https://a/more/stem/00/006141411234567890', { '00': '006141411234567890' }],
    ['https://a/00/faux/00/006141411234567890', { '00': '006141411234567890' }],
    [
      'https://a/01/12312312312333/22/TEST/10/ABC/21/XYZ',
      { '01': '12312312312333', '22': 'TEST', '10': 'ABC', '21': 'XYZ' },
    ],
    ['https://a/01/12312312312333/235/TEST', { '01': '12312312312333', '235': 'TEST' }],
    ['https://a/253/1231231231232', { '253': '1231231231232' }],
    ['https://a/253/1231231231232TEST5678901234567', { '253': '1231231231232TEST5678901234567' }],
    ['https://a/8018/123456789012345675/8019/123', { '8018': '123456789012345675', '8019': '123' }],
    ['https://a/stem/00/006141411234567890?', { '00': '006141411234567890' }],
    ['https://a/stem/00/006141411234567890?99=ABC', { '00': '006141411234567890', '99': 'ABC' }],
    ['https://a/stem/401/12345678?99=ABC', { '401': '12345678', '99': 'ABC' }],
    ['https://a/01/12312312312333?&&&99=ABC&&&&&&98=XYZ&&&', { '01': '12312312312333', '99': 'ABC', '98': 'XYZ' }],
    [
      'https://a/01/12312312312333?singleton1&unknown1=555&99=ABC&singleton2&98=XYZ&unknown3=777',
      { '01': '12312312312333', '99': 'ABC', '98': 'XYZ' },
    ],
    [
      'https://a/01/12312312312333/22/ABC%2d123?99=ABC&98=XYZ%2f987',
      { '01': '12312312312333', '22': 'ABC-123', '99': 'ABC', '98': 'XYZ/987' },
    ],
    ['https://a/01/12312312312333/22/ABC+123', { '01': '12312312312333', '22': 'ABC+123' }],
    [
      'https://a/01/12312312312333/22/test/10/abc/21/xyz#fragment',
      { '01': '12312312312333', '22': 'test', '10': 'abc', '21': 'xyz' },
    ],
    ['https://a/stem/00/006141411234567890?99=ABC#', { '00': '006141411234567890', '99': 'ABC' }],
    ['https://id.gs1.org/01/09520123456788/22/2A', { '01': '09520123456788', '22': '2A' }],
    [
      'https://id.gs1.org/01/09520123456788/10/ABC1/21/12345?17=180426',
      { '01': '09520123456788', '10': 'ABC1', '21': '12345', '17': '180426' },
    ],
    [
      'https://example.com/01/09520123456788?3103=000195&3922=0299&17=201225',
      { '01': '09520123456788', '3103': '000195', '3922': '0299', '17': '201225' },
    ],
    ['https://id.gs1.org/00/952012345678912345', { '00': '952012345678912345' }],
    [
      'https://id.gs1.org/00/952012345678912345?02=09520123456788&37=25&10=ABC123',
      { '00': '952012345678912345', '02': '09520123456788', '37': '25', '10': 'ABC123' },
    ],
    ['https://id.gs1.org/414/9520123456788', { '414': '9520123456788' }],
    ['https://id.gs1.org/414/9520123456788/254/32a%2Fb', { '414': '9520123456788', '254': '32a/b' }],
    [
      'https://example.com/8004/9520614141234567?01=9520123456788',
      { '8004': '9520614141234567', '01': '09520123456788' },
    ],
    [
      'https://id.gs1.org/01/09520123456788/235/XYZ?10=ABC123',
      { '01': '09520123456788', '235': 'XYZ', '10': 'ABC123' },
    ],
    // Zero-suppressed GTIN-13/12/8 (legacy Digital Links) are padded to GTIN-14.
    ['https://brand.example.com/some-extra/pathinfo/01/9520123456788', { '01': '09520123456788' }],
    ['https://a/01/416000336108', { '01': '00416000336108' }],
    ['https://a/01/02345673', { '01': '00000002345673' }],
  ])('%s', (uri, expected) => {
    expect(ais(uri)).toEqual(expected);
  });

  it('names the pack identity and resolves the expiry attribute', () => {
    const r = parseScan(
      ']Q1https://example.com/shop/01/09520123456788/10/ABC1/21/12345?17=280200&linkType=gs1:pip',
      NOW,
    );
    expect(r).toEqual({
      ok: true,
      symbology: ']Q1',
      form: 'digital-link',
      identity: {
        gtin: '09520123456788',
        lot: 'ABC1',
        serial: '12345',
        expiry: '2028-02-29',
        ais: { '01': '09520123456788', '10': 'ABC1', '21': '12345', '17': '280200' },
      },
    });
  });

  it('reads a Digital Link behind ]d1 and without a symbology identifier', () => {
    expect(parseScan(']d1https://id.gs1.org/01/09520123456788/21/1', NOW)).toMatchObject({
      ok: true,
      symbology: ']d1',
    });
    expect(parseScan('https://id.gs1.org/01/09520123456788/21/1', NOW)).toMatchObject({
      ok: true,
      form: 'digital-link',
    });
  });
});

describe('GS1 Digital Link: refused, with the AI and the rule', () => {
  it.each<[string, object]>([
    ['http://', { rule: 'dl-primary-key' }],
    ['http:///', { rule: 'syntax' }],
    ['http://a', { rule: 'dl-primary-key' }],
    ['http://a/', { rule: 'syntax' }],
    ['http://a/b', { rule: 'dl-primary-key' }],
    ['https://[fe80::1%25lo]/01/12312312312333', { rule: 'syntax' }],
    ['https://$a/01/12312312312333', { rule: 'syntax' }],
    ['https://a/253/1231231231232TEST56789012345678', { ai: '253', rule: 'length' }],
    ['https://a/stem/00/006141411234567890/', { rule: 'syntax' }],
    ['https://a/01/12312312312333?99=', { ai: '99', rule: 'length' }],
    ['https://a/01/12312312312333?99=ABC&999=faux', { ai: '999', rule: 'unknown-ai' }],
    ['https://a/01/12312312312333/22/ABC%2d123?99=ABC&98=XYZ+987', { ai: '98', rule: 'charset' }],
    ['https://example.com/01/09520123456788?10=ABC123', { ai: '10', rule: 'dl-attribute' }],
    ['https://example.com/01/09520123456788?21=1', { ai: '21', rule: 'dl-attribute' }],
    ['https://example.com/01/09520123456788?8200=x', { ai: '8200', rule: 'dl-attribute' }],
    ['https://id.gs1.org/01/09520123456788/10/ABC123?99=XYZ789&01=09520123456788', { ai: '01', rule: 'dl-attribute' }],
    ['https://id.gs1.org/00/952012345678912345?99=XYZ789&99=XYZ789', { ai: '99', rule: 'duplicate-ai' }],
    ['https://example.com/01/09520123456788/89/ABC123?99=XYZ', { ai: '89', rule: 'unknown-ai' }],
    ['https://example.com/01/09520123456788?99=XYZ&89=ABC123', { ai: '89', rule: 'unknown-ai' }],
    ['https://a/01/09520123456788/21/12345/10/ABC1', { ai: '10', rule: 'dl-qualifier-order' }],
    ['https://a/01/09520123456788/10/ABC1/22/X', { ai: '22', rule: 'dl-qualifier-order' }],
    ['https://a/01/09520123456788/22/X/235/Y', { ai: '235', rule: 'dl-qualifier-order' }],
    ['https://a/01/09520123456788/10/A/10/B', { ai: '10', rule: 'dl-qualifier-order' }],
    ['https://a/414/9520123456788/21/X', { ai: '21', rule: 'dl-qualifier-order' }],
    ['https://a/00/952012345678912345/10/X', { ai: '10', rule: 'dl-qualifier-order' }],
    ['https://a/01/09520123456788/17/280200', { ai: '17', rule: 'dl-qualifier-order' }],
    ['https://a/01/09520123456789', { ai: '01', rule: 'check-digit' }],
    ['https://a/01/9520123456789', { ai: '01', rule: 'check-digit' }],
    ['https://a/01/95201234567', { ai: '01', rule: 'length' }],
    ['https://a/01/09520123456788/21/%00', { ai: '21', rule: 'charset' }],
    ['https://a/01/09520123456788/21/a%20b', { ai: '21', rule: 'charset' }],
    ['https://a/01/09520123456788?17=281301', { ai: '17', rule: 'date' }],
    ['https://a/414/9520123456788?17=280200', { ai: '17', rule: 'requires-01' }],
    ['HtTp://a/01/12312312312333', { rule: 'unknown-ai' }],
    ['ftp://a/01/12312312312333', { rule: 'unknown-ai' }],
  ])('%s', (uri, expected) => {
    expect(failure(uri)).toMatchObject(expected);
  });
});

describe('canonical forms', () => {
  const pack = parseScan(']d20109520123456788' + '17280200' + '10ABC1\x1d2112345', NOW);
  if (!pack.ok) throw new Error(pack.error.message);

  it('canonical Digital Link: id.gs1.org, qualifiers 22/10/21 in order, attributes in the query', () => {
    expect(canonicalDigitalLink(pack.identity)).toBe('https://id.gs1.org/01/09520123456788/10/ABC1/21/12345?17=280200');
  });

  it('any host and prefix give the same canonical Digital Link', () => {
    // The hash-vector document writes id.gs1.de; its pre-hashes use id.gs1.org (TimeStampRoundOff).
    const r = parseScan('https://id.gs1.de/01/04012345999990/21/XYZ-1234');
    if (!r.ok) throw new Error(r.error.message);
    expect(canonicalDigitalLink(r.identity)).toBe('https://id.gs1.org/01/04012345999990/21/XYZ-1234');
  });

  it('percent-encodes all but the unreserved characters', () => {
    const id = { gtin: '09520123456788', serial: 'A/B+C!', lot: "x'(", ais: {} };
    expect(canonicalDigitalLink(id)).toBe('https://id.gs1.org/01/09520123456788/10/x%27%28/21/A%2FB%2BC%21');
  });

  it('element string: keys, then predefined-length AIs, then the rest with GS between', () => {
    expect(toElementString(pack.identity)).toBe('0109520123456788' + '17280200' + '10ABC1\x1d2112345');
  });

  it('HRI: bracketed AIs, "(" in data escaped', () => {
    expect(toHri(pack.identity)).toBe('(01)09520123456788(17)280200(10)ABC1(21)12345');
    expect(toHri({ gtin: '09520123456788', lot: 'A(B', ais: {} })).toBe('(01)09520123456788(10)A\\(B');
  });

  it('SSCC and GLN identities', () => {
    expect(canonicalDigitalLink({ gtin: '', sscc: '106141412345678908', ais: {} })).toBe(
      'https://id.gs1.org/00/106141412345678908',
    );
    expect(canonicalDigitalLink({ gtin: '', gln: '4012345000115', ais: { '254': '987' } })).toBe(
      'https://id.gs1.org/414/4012345000115/254/987',
    );
    expect(() => canonicalDigitalLink({ gtin: '', ais: {} })).toThrow(RangeError);
  });
});

describe('bracketed HRI', () => {
  it('reads the printed form, alone or behind ]d1', () => {
    const r = parseScan('(01)09520123456788(17)280200(10)ABC1(21)12345', NOW);
    expect(r).toMatchObject({
      ok: true,
      form: 'hri',
      identity: { lot: 'ABC1', serial: '12345', expiry: '2028-02-29' },
    });
    expect(parseScan(']d1(01)09520123456788(21)1', NOW)).toMatchObject({ ok: true, form: 'hri', symbology: ']d1' });
  });

  it('reads it behind a GS1 symbology identifier too (scanners set to "GS1 formatting")', () => {
    expect(parseScan(']d2(01)09520123456788(21)1', NOW)).toMatchObject({ ok: true, form: 'hri', symbology: ']d2' });
  });

  it('unescapes "\\(" inside data', () => {
    expect(parseScan('(01)09520123456788(10)A\\(B', NOW)).toMatchObject({ ok: true, identity: { lot: 'A(B' } });
  });

  it.each<[string, object]>([
    ['(01)09520123456788(89)X', { ai: '89', rule: 'unknown-ai' }],
    ['(01)0952012345678(17)280200', { ai: '01', rule: 'length' }],
    ['(01)09520123456788(17)281301', { ai: '17', rule: 'date' }],
    ['(01)09520123456788(10)', { ai: '10', rule: 'length' }],
    ['(01)09520123456788(1)X', { rule: 'syntax' }],
    ['(01)09520123456788(12345)X', { rule: 'syntax' }],
    ['(01', { rule: 'syntax' }],
    ['(21)123', { ai: '21', rule: 'requires-01' }],
    ['(01)09520123456788 (21)1', { ai: '01', rule: 'length' }],
  ])('refuses %s', (raw, expected) => {
    const r = parseScan(raw, NOW);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatchObject(expected);
  });
});
