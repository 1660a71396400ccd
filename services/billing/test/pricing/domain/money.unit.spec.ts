import {
  AmountFormatError,
  decimal,
  moneyString,
  plain,
  roundExcess,
  roundMinor,
} from '../../../src/pricing/domain/money.js';

describe('money', () => {
  it('parses exact decimals and refuses floats, exponents and grouping', () => {
    expect(plain(decimal('0.17935'))).toBe('0.17935');
    // 0.1 + 0.2 is exactly 0.3 here (with numbers it is 0.30000000000000004).
    expect(plain(decimal('0.1').add(decimal('0.2')))).toBe('0.3');
    for (const bad of ['1e3', '1,13,950', '', '.5', '1.', 'NaN', ' 1']) {
      expect(() => decimal(bad)).toThrow(AmountFormatError);
    }
  });

  it('rounds line totals half away from zero to the minor unit', () => {
    expect(moneyString(roundMinor(decimal('17.935'), 'INR'), 'INR')).toBe('17.94');
    expect(moneyString(roundMinor(decimal('17.934999'), 'INR'), 'INR')).toBe('17.93');
    expect(moneyString(roundMinor(decimal('-0.005'), 'INR'), 'INR')).toBe('-0.01');
    // JPY has no minor unit, BHD three.
    expect(moneyString(roundMinor(decimal('100.5'), 'JPY'), 'JPY')).toBe('101');
    expect(moneyString(roundMinor(decimal('1.2345'), 'BHD'), 'BHD')).toBe('1.235');
  });

  it('rounds an excess up, so any overcharge owes at least one minor unit', () => {
    expect(moneyString(roundExcess(decimal('0.00112'), 'INR'), 'INR')).toBe('0.01');
    expect(moneyString(roundExcess(decimal('0.336'), 'INR'), 'INR')).toBe('0.34');
    expect(moneyString(roundExcess(decimal('1.12'), 'INR'), 'INR')).toBe('1.12');
  });

  it('refuses a currency it does not know', () => {
    expect(() => roundMinor(decimal('1'), 'XYZ')).toThrow(/ISO 4217/);
  });
});
