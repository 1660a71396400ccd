import { productRegistered, type Product } from '../../src/master-data/domain/master-data.js';

const product: Product = {
  gtin: '09506000134352',
  manufacturerGln: '9506000000008',
  name: 'Paracetamol 500 mg tablets',
  strength: '500 mg',
  nationalCode: 'PZN-123',
  schedule: null,
  substance: 'paracetamol',
  unitsPerPack: 20,
};

describe('drug-trace.ProductRegistered v1', () => {
  it('carries what billing maps a pack by, and not the controlled-substance details', () => {
    expect(productRegistered(product)).toEqual({
      type: 'drug-trace.ProductRegistered',
      version: 1,
      payload: {
        gtin: '09506000134352',
        manufacturerGln: '9506000000008',
        name: 'Paracetamol 500 mg tablets',
        strength: '500 mg',
        nationalCode: 'PZN-123',
        unitsPerPack: 20,
      },
    });
  });

  it('says null, never leaves out, a national code or units per pack not given', () => {
    const { payload } = productRegistered({ ...product, nationalCode: null, unitsPerPack: null });
    expect(payload).toHaveProperty('nationalCode', null);
    expect(payload).toHaveProperty('unitsPerPack', null);
  });
});
