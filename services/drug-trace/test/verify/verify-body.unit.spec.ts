import { BadRequestException } from '@nestjs/common';
import { verifyBodyOf } from '../../src/verify/verify-body.js';

const fieldsOf = (body: unknown): Record<string, string[]> => {
  try {
    verifyBodyOf(body);
  } catch (err) {
    expect(err).toBeInstanceOf(BadRequestException);
    const r = (err as BadRequestException).getResponse() as { error: string; fields: Record<string, string[]> };
    expect(r.error).toBe('ValidationFailed');
    return r.fields;
  }
  throw new Error('accepted');
};

describe('POST /verify body (checked by hand, VerifyDto’s rules)', () => {
  it('accepts a scan, an identity, and a site', () => {
    const scan = { scan: '(01)09521234543213(21)S1', location: '9521234000020' };
    expect(verifyBodyOf(scan)).toBe(scan);
    const identity = { identity: { gtin: '09521234543213', serial: 'S1', lot: 'L1', expiry: '2029-12-31' } };
    expect(verifyBodyOf(identity)).toBe(identity);
  });

  it('names each bad field, nested ones by their path', () => {
    expect(fieldsOf({ identity: { gtin: '123', serial: '', lot: 'x'.repeat(21), expiry: '31.12.2029' } })).toEqual({
      'identity.gtin': ['gtin must be 14 digits'],
      'identity.serial': ['identity.serial must be 1 to 20 characters long'],
      'identity.lot': ['identity.lot must be 1 to 20 characters long'],
      'identity.expiry': ['expiry must be YYYY-MM-DD'],
    });
    expect(fieldsOf({ scan: 7, location: '952' })).toEqual({
      scan: ['scan must be a string'],
      location: ['location must be a 13-digit GLN'],
    });
    expect(Object.keys(fieldsOf({ scan: 'x'.repeat(513) }))).toEqual(['scan']);
  });

  it('refuses properties it does not know, at the top and inside identity (nothing is silently dropped)', () => {
    expect(fieldsOf({ scan: 'x', colour: 'red' })).toEqual({ colour: ['property colour should not exist'] });
    expect(Object.keys(fieldsOf({ identity: { gtin: '09521234543213', serial: 'S', batch: 'L' } }))).toEqual([
      'identity.batch',
    ]);
  });

  it('refuses what is not an object: the body, or identity', () => {
    for (const body of [null, [], 'scan', 5]) expect(Object.keys(fieldsOf(body))).toEqual(['(body)']);
    expect(Object.keys(fieldsOf({ identity: 'S1' }))).toEqual(['identity']);
    expect(Object.keys(fieldsOf({ identity: [] }))).toEqual(['identity']);
  });
});
