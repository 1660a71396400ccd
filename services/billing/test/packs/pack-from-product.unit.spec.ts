import { decidePackFromProduct, type PackFacts } from '../../src/packs/domain/pack-from-product.js';
import { decimal } from '../../src/pricing/domain/money.js';

// GS1's example GTIN-14 (valid check digit 2) and a strip of 10 of entry PZN-123.
const GTIN = '09506000134352';
const product = { gtin: GTIN, nationalCode: 'PZN-123', unitsPerPack: 10 };
const unmapped: PackFacts = { entryExists: true, mapped: undefined };

describe('a drug-trace product as a pack mapping', () => {
  it('maps an unmapped GTIN to its national code × units per pack', () => {
    const d = decidePackFromProduct(product, unmapped);
    expect(d).toMatchObject({ kind: 'PackMapped', gtin: GTIN, code: 'PZN-123' });
    expect(d.kind === 'PackMapped' && d.unitsPerPack.toFixed()).toBe('10');
  });

  it('the same mapping again (imported or from drug-trace, 10 or 10.00000) is a no-op', () => {
    for (const source of ['import', 'drug-trace'] as const)
      expect(
        decidePackFromProduct(product, {
          entryExists: true,
          mapped: { code: 'PZN-123', unitsPerPack: decimal('10.00000'), source },
        }),
      ).toEqual({ kind: 'AlreadyMapped', gtin: GTIN });
  });

  it('a different mapping is a conflict that names what is kept, never a new mapping', () => {
    const kept = { code: 'PZN-123', unitsPerPack: decimal('20'), source: 'import' as const };
    const d = decidePackFromProduct(product, { entryExists: true, mapped: kept });
    expect(d).toMatchObject({ kind: 'PackConflicted', gtin: GTIN, code: 'PZN-123', mapped: kept });
    const other = { code: 'OTHER', unitsPerPack: decimal('10'), source: 'drug-trace' as const };
    expect(decidePackFromProduct(product, { entryExists: true, mapped: other }).kind).toBe('PackConflicted');
  });

  it.each([
    ['no national code', { ...product, nationalCode: null }, 'no-national-code'],
    ['an empty national code', { ...product, nationalCode: '' }, 'no-national-code'],
    ['no units per pack', { ...product, unitsPerPack: null }, 'no-units-per-pack'],
    ['zero units per pack', { ...product, unitsPerPack: 0 }, 'no-units-per-pack'],
    ['fractional units per pack', { ...product, unitsPerPack: 2.5 }, 'no-units-per-pack'],
    ['a wrong check digit', { ...product, gtin: '09506000134353' }, 'invalid-gtin'],
    ['a GTIN-13', { ...product, gtin: '9506000134352' }, 'invalid-gtin'],
  ])('ignores a product with %s', (_what, p, reason) => {
    expect(decidePackFromProduct(p, unmapped)).toEqual({ kind: 'Ignored', gtin: p.gtin, reason });
  });

  it('ignores a product whose national code is no schedule entry’s code', () => {
    expect(decidePackFromProduct(product, { entryExists: false, mapped: undefined })).toEqual({
      kind: 'Ignored',
      gtin: GTIN,
      reason: 'not-an-entry',
    });
  });
});
