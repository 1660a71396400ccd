import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { IsEthAddress, isEthAddress } from '../../src/http/eth-address.js';

const CHECKSUMMED = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';

class Dto {
  @IsEthAddress()
  address!: string;
}

describe('isEthAddress (EIP-55)', () => {
  it.each([CHECKSUMMED, CHECKSUMMED.toLowerCase(), '0x' + CHECKSUMMED.slice(2).toUpperCase()])('accepts %s', (a) =>
    expect(isEthAddress(a)).toBe(true),
  );

  it.each([
    ['a mixed-case address with one letter flipped', '0x70997970c51812dc3A010C7d01b50e0d17dc79C8'],
    ['no 0x', CHECKSUMMED.slice(2)],
    ['0X prefix', '0X' + CHECKSUMMED.slice(2)],
    ['39 digits', CHECKSUMMED.slice(0, -1)],
    ['a non-hex digit', CHECKSUMMED.slice(0, -1) + 'g'],
    ['a number', 42],
    ['null', null],
  ])('refuses %s', (_what, a) => expect(isEthAddress(a)).toBe(false));
});

describe('@IsEthAddress()', () => {
  it('names the property in its message', () => {
    const errors = validateSync(plainToInstance(Dto, { address: '0x70997970c51812dc3A010C7d01b50e0d17dc79C8' }));
    expect(errors[0]?.property).toBe('address');
    expect(errors[0]?.constraints?.isEthAddress).toMatch(/^address must be an Ethereum address .*EIP-55/);
  });

  it('passes a checksummed address', () => {
    expect(validateSync(plainToInstance(Dto, { address: CHECKSUMMED }))).toEqual([]);
  });
});
