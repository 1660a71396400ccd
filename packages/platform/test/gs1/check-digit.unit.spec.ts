import { gs1CheckDigit, isValidGln, isValidGtin, isValidSscc, normaliseGtin } from '../../src/gs1/check-digit.js';

// Published keys: GS1 Barcode Syntax Engine tests (scandata.c, dl.c), GS1 Digital Link 1.2 examples,
// EPC Tag Data Standard examples and the EPCIS 2.0 hash vectors in /work/shared/epcis.
describe('GS1 check digits', () => {
  it.each([
    ['2401234567890', 5],
    ['211223378965', 7],
    ['41600033610', 8],
    ['0234568', 0],
    ['0952012345678', 8],
    ['00614141123456789', 0],
    ['10614141234567890', 8],
    ['401234500011', 5],
  ])('gs1CheckDigit(%s) = %d', (body, check) => {
    expect(gs1CheckDigit(body)).toBe(check);
  });

  it('refuses non-digits', () => {
    expect(() => gs1CheckDigit('12a4')).toThrow(RangeError);
    expect(() => gs1CheckDigit('')).toThrow(RangeError);
  });

  it.each(['24012345678905', '2112233789657', '416000336108', '02345680', '09520123456788', '80614141123458'])(
    'valid GTIN %s',
    (g) => expect(isValidGtin(g)).toBe(true),
  );

  it.each([
    '24012345678909',
    '2112233789658',
    '416000336107',
    '02345689',
    '0952012345678',
    '952012345678800',
    'O9520123456788',
  ])('invalid GTIN %s', (g) => expect(isValidGtin(g)).toBe(false));

  it('normalises GTIN-8/12/13 to 14 digits', () => {
    expect(normaliseGtin('02345680')).toBe('00000002345680');
    expect(normaliseGtin('416000336108')).toBe('00416000336108');
    expect(normaliseGtin('2112233789657')).toBe('02112233789657');
    expect(normaliseGtin('24012345678905')).toBe('24012345678905');
    expect(normaliseGtin('24012345678909')).toBeUndefined();
  });

  it('GLN and SSCC', () => {
    expect(isValidGln('4012345000115')).toBe(true);
    expect(isValidGln('0614141073467')).toBe(true);
    expect(isValidGln('4012345000116')).toBe(false);
    expect(isValidGln('40123450001')).toBe(false);
    expect(isValidSscc('106141412345678908')).toBe(true);
    expect(isValidSscc('006141411234567890')).toBe(true);
    expect(isValidSscc('040123450000001112')).toBe(true);
    expect(isValidSscc('040123450000001113')).toBe(false);
  });

  // GS1's own example GTIN (gs1.org check digit calculator), and the same with its last digit off by one.
  it('09506000134352 is a valid GTIN-14, 09506000134353 is not', () => {
    expect(gs1CheckDigit('0950600013435')).toBe(2);
    expect(isValidGtin('09506000134352')).toBe(true);
    expect(isValidGtin('09506000134353')).toBe(false);
    expect(normaliseGtin('9506000134352')).toBe('09506000134352');
  });
});
