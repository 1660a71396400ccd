import { ungroup } from '../../../src/schedules/domain/grouped-number.js';

describe('grouped amounts in official lists', () => {
  it('reads Indian lakh/crore grouping and Western grouping, keeping every decimal', () => {
    expect(ungroup('1,13,950')).toBe('113950');
    expect(ungroup('₹ 38,933.14')).toBe('38933.14');
    expect(ungroup('1,00,00,000.00')).toBe('10000000.00');
    expect(ungroup('113,950')).toBe('113950');
    expect(ungroup('0.17935')).toBe('0.17935');
    expect(ungroup('Rs. 7,260')).toBe('7260');
  });

  it('refuses misplaced commas and anything else', () => {
    for (const bad of ['1,1395,0', '11,3950', ',950', '1.2.3', '12a', '', '1,13,950.', '-5']) {
      expect(ungroup(bad)).toBeUndefined();
    }
  });
});
