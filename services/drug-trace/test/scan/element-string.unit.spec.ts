import { parseScan } from '../../src/scan/index.js';
import { accepted, GS, NOW, refused as failure } from './helpers.js';

// An EU FMD pack: GTIN from the GS1 Digital Link standard's examples, expiry "DD=00" in a leap February.
const PACK = '01' + '09520123456788' + '17' + '280200' + '10' + 'ABC123' + GS + '21' + '12345';
const PACK_IDENTITY = {
  gtin: '09520123456788',
  expiry: '2028-02-29',
  lot: 'ABC123',
  serial: '12345',
  ais: { '01': '09520123456788', '17': '280200', '10': 'ABC123', '21': '12345' },
};

describe('element strings', () => {
  it.each([']d2', ']Q3', ']C1', ']e0', ']J1'])('reads a GS1 pack behind %s', (sym) => {
    const r = accepted(sym + PACK);
    expect(r.identity).toEqual(PACK_IDENTITY);
    expect(r.symbology).toBe(sym);
    expect(r.form).toBe('element-string');
  });

  it('reads the same without a symbology identifier (keyboard wedge), and drops a CR/LF suffix', () => {
    const r = accepted(`${PACK}\r\n`);
    expect(r.identity).toEqual(PACK_IDENTITY);
    expect(r.symbology).toBeUndefined();
  });

  it('tolerates superfluous GS: leading, doubled, after fixed-length AIs and trailing', () => {
    const raw = `]d2${GS}0109520123456788${GS}17280200${GS}${GS}10ABC123${GS}2112345${GS}`;
    expect(accepted(raw).identity).toEqual(PACK_IDENTITY);
  });

  it('reads the GS1 Syntax Engine scan-data vectors', () => {
    const dm = accepted(`]d2011231231231233310ABC123${GS}99TESTING`);
    expect(dm.identity.ais).toEqual({ '01': '12312312312333', '10': 'ABC123', '99': 'TESTING' });
    const cc = accepted(`]e0011231231231233310ABC123${GS}1199122598COMPOSITE${GS}97XYZ`);
    expect(cc.identity.ais).toEqual({
      '01': '12312312312333',
      '10': 'ABC123',
      '11': '991225',
      '98': 'COMPOSITE',
      '97': 'XYZ',
    });
  });

  it('reads an SSCC label and a location', () => {
    const sscc = accepted(`]C100106141412345678908${GS}02095201234567883725${GS}10L1`).identity;
    expect(sscc).toMatchObject({ gtin: '', sscc: '106141412345678908', lot: 'L1' });
    expect(sscc.ais['02']).toBe('09520123456788');
    const loc = accepted(`]C14149520123456788254A-12`).identity;
    expect(loc).toMatchObject({ gtin: '', gln: '9520123456788', ais: { '254': 'A-12' } });
  });

  it('reads EAN-13, UPC-A (as 13 digits) and EAN-8 as a GTIN-14', () => {
    expect(accepted(']E02112233789657').identity.gtin).toBe('02112233789657');
    expect(accepted(']E00416000336108').identity.gtin).toBe('00416000336108');
    expect(accepted(']E402345680').identity.gtin).toBe('00000002345680');
    expect(failure(']E02112233789658')).toMatchObject({ ai: '01', rule: 'check-digit' });
    expect(failure(']E0211223378965')).toMatchObject({ ai: '01', rule: 'length' });
  });

  it('keeps national codes and other pharma AIs', () => {
    const raw = `]d20104150123456782${GS}714ABC1234567${GS}7003280215143010L2${GS}240X${GS}21S`;
    const r = accepted(raw).identity;
    expect(r.ais).toMatchObject({ '714': 'ABC1234567', '7003': '2802151430', '240': 'X', '10': 'L2', '21': 'S' });
  });

  it('a missing GS after a variable-length field merges the fields (why scanners must send GS)', () => {
    expect(accepted(']d20109520123456788' + '10ABC2112345').identity.lot).toBe('ABC2112345');
  });
});

describe('dates', () => {
  it.each([
    ['280200', '2028-02-29'],
    ['250200', '2025-02-28'],
    ['240200', '2024-02-29'],
    ['281200', '2028-12-31'],
    ['260400', '2026-04-30'],
    ['261231', '2026-12-31'],
    ['771231', '1977-12-31'], // 77 - 26 = 51: previous century
    ['761231', '2076-12-31'], // 50 ahead: still this century
  ])('AI 17 %s is %s (reference year 2026)', (yymmdd, iso) => {
    expect(accepted(`]d20109520123456788${'17' + yymmdd}`).identity.expiry).toBe(iso);
  });

  it('applies the century rule from the reference date', () => {
    const in2060 = { now: new Date('2060-01-01T00:00:00Z') };
    expect(accepted('0109520123456788' + '17101231', in2060).identity.expiry).toBe('2110-12-31');
    expect(accepted('0109520123456788' + '17111231', in2060).identity.expiry).toBe('2011-12-31');
  });

  it.each(['281301', '280001', '280230', '250229', '281232', '2802AA'])('AI 17 %s is no date', (v) => {
    const e = failure(`]d20109520123456788${'17' + v}`);
    expect(e.ai).toBe('17');
    expect(e.rule).toBe(v === '2802AA' ? 'charset' : 'date');
  });

  it('DD=00 is only for the AIs that allow it (not 7003)', () => {
    expect(failure('0109520123456788' + '70032802001200')).toMatchObject({ ai: '7003', rule: 'date' });
    expect(failure('0109520123456788' + '70032802152400')).toMatchObject({ ai: '7003', rule: 'date' });
  });
});

describe('refused element strings name the AI and the rule', () => {
  it.each([
    ['', { rule: 'empty' }],
    ['\r\n', { rule: 'empty' }],
    [']d2', { rule: 'empty' }],
    [`]d2${GS}${GS}`, { rule: 'empty' }],
    [']X9010952012345678', { rule: 'symbology' }],
    [']d1hello', { rule: 'symbology' }],
    [']d20109520123456789', { ai: '01', rule: 'check-digit' }],
    [']d2010952012345678', { ai: '01', rule: 'length' }],
    [`]d201095201234567${GS}88`, { ai: '01', rule: 'length' }],
    [']d20109520123456788' + '10' + 'A'.repeat(21), { ai: '10', rule: 'length' }],
    [']d20109520123456788' + '10' + `${GS}21X`, { ai: '10', rule: 'length' }],
    [']d20109520123456788' + '10A B', { ai: '10', rule: 'charset' }],
    [']d20109520123456788' + '10A#B', { ai: '10', rule: 'charset' }],
    [']d20109520123456788' + '21é', { ai: '21', rule: 'charset' }],
    [']d20109520123456788' + '89ABC', { rule: 'unknown-ai', position: 19 }],
    [']d2' + 'ABC', { rule: 'unknown-ai', position: 3 }],
    [']d2' + '10ABC', { ai: '10', rule: 'requires-01', position: 5 }],
    [']d2' + '2112345', { ai: '21', rule: 'requires-01' }],
    [']d2' + '17280200', { ai: '17', rule: 'requires-01' }],
    [']d2' + '254A1', { ai: '254', rule: 'requires-key' }],
    [']d2' + '0109520123456788' + '02095201234567883725', { rule: 'exclusive' }],
    [`]d2${'0109520123456788'}10A${GS}10B`, { ai: '10', rule: 'duplicate-ai' }],
    [`]d2${'0109520123456788'}10A${GS}2112${GS}235X`, { rule: 'exclusive' }],
    [']d2' + '4149520123456789', { ai: '414', rule: 'check-digit' }],
    [']d2' + '00106141412345678909', { ai: '00', rule: 'check-digit' }],
  ])('%j', (raw, expected) => {
    expect(failure(raw)).toMatchObject(expected);
  });

  it('the same AI twice with the same value is accepted', () => {
    expect(accepted(`]d2${'0109520123456788'}10A${GS}10A`).identity.lot).toBe('A');
  });

  it('refuses an over-long scan before reading it', () => {
    expect(failure(']d20109520123456788' + '9'.repeat(9000)).rule).toBe('length');
  });

  it('an error message names the AI and its title', () => {
    expect(failure(']d20109520123456789').message).toMatch(/AI \(01\) GTIN/);
  });
});

describe('a scan must name a GS1 key', () => {
  it.each(['90ABC', '(91)X', ']d2' + '400PO-1'])('%s identifies nothing', (raw) => {
    expect(failure(raw).rule).toBe('requires-key');
  });
});

describe('other GS1 keys', () => {
  it.each<[string, Record<string, string>]>([
    // ITIP: GTIN with check digit, then piece 01 of 02 (fixed length, GS optional after it)
    [']d2' + '8006095201234567880102' + '21X', { '8006': '095201234567880102', '21': 'X' }],
    // GDTI: GLN-like N13 with check digit and an optional serial
    [']d2' + '2531231231231232TEST', { '253': '1231231231232TEST' }],
    // GRAI: a leading zero, N13 with check digit, optional serial
    [']d2' + '800301231231231232AB', { '8003': '01231231231232AB' }],
    [']d2' + '80049520614141234567', { '8004': '9520614141234567' }],
    [']d2' + '8010ABC-1/2#' + GS + '8011123', { '8010': 'ABC-1/2#', '8011': '123' }],
  ])('%j', (raw, ais) => {
    expect(accepted(raw).identity.ais).toEqual(ais);
  });

  it.each<[string, object]>([
    [']d2' + '800311231231231232', { ai: '8003', rule: 'syntax' }],
    [']d2' + '8010abc', { ai: '8010', rule: 'charset' }],
    [']d2' + '8011123', { ai: '8011', rule: 'requires-key' }],
    [']d2' + '8006095201234567890102', { ai: '8006', rule: 'check-digit' }],
    [']d2' + '80060952012345678801', { ai: '8006', rule: 'length' }],
  ])('%j is refused', (raw, expected) => {
    expect(failure(raw)).toMatchObject(expected);
  });
});
