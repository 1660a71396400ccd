import { Signature, TypedDataEncoder, Wallet, verifyTypedData } from 'ethers';
import { recoverDigestSigner, recoverTypedDataSigner, TypedDataSigner } from '../../src/identity/typed-data-signer.js';

const domain = { name: 'UHR Test', version: '1', chainId: 31337, verifyingContract: '0x' + '11'.repeat(20) };
const types = {
  ReadRecord: [
    { name: 'recordId', type: 'bytes32' },
    { name: 'purpose', type: 'string' },
    { name: 'nonce', type: 'uint256' },
    { name: 'expiry', type: 'uint64' },
  ],
};
const message = (i: number) => ({
  recordId: '0x' + i.toString(16).padStart(64, '0'),
  purpose: `purpose ${i}`,
  nonce: String(1_000_000n * BigInt(i + 1)),
  expiry: 1_800_000_000 + i,
});
const SECP256K1_N = BigInt('0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141');

describe('TypedDataSigner', () => {
  const signer = new TypedDataSigner(domain, types);

  it('recovers the same address as ethers verifyTypedData, for many keys and messages', async () => {
    for (let i = 0; i < 20; i++) {
      const wallet = Wallet.createRandom();
      const sig = await wallet.signTypedData(domain, types, message(i));
      const expected = verifyTypedData(domain, types, message(i), sig);
      expect(signer.recover(message(i), sig)).toBe(expected);
      expect(expected).toBe(wallet.address);
      expect(recoverTypedDataSigner(domain, types, message(i), sig)).toBe(wallet.address);
    }
  });

  it('gives another address for a changed message or another domain (never the signer)', async () => {
    const wallet = Wallet.createRandom();
    const sig = await wallet.signTypedData(domain, types, message(1));
    expect(signer.recover(message(2), sig)).not.toBe(wallet.address);
    const other = new TypedDataSigner({ ...domain, chainId: 1 }, types);
    expect(other.recover(message(1), sig)).not.toBe(wallet.address);
  });

  it('refuses malformed signatures and the high-s twin of a valid one, as ethers does', async () => {
    const wallet = Wallet.createRandom();
    const sig = await wallet.signTypedData(domain, types, message(3));
    expect(() => signer.recover(message(3), '0x1234')).toThrow();
    expect(() => signer.recover(message(3), 'not hex')).toThrow();
    const s = Signature.from(sig);
    const highS = '0x' + (SECP256K1_N - BigInt(s.s)).toString(16).padStart(64, '0');
    const twin = s.r + highS.slice(2) + (s.v === 27 ? '1c' : '1b');
    expect(() => verifyTypedData(domain, types, message(3), twin)).toThrow();
    expect(() => signer.recover(message(3), twin)).toThrow();
  });

  it('recovers a raw digest signer', () => {
    const wallet = Wallet.createRandom();
    const digest = signer.digest(message(4));
    const sig = wallet.signingKey.sign(digest).serialized;
    expect(recoverDigestSigner(digest, sig)).toBe(wallet.address);
  });

  it('hashes flat structs itself exactly as ethers does, and falls back to ethers for arrays', () => {
    const b32 = (n: number) => '0x' + n.toString(16).padStart(64, '0');
    const cases: Array<[Record<string, Array<{ name: string; type: string }>>, Record<string, unknown>]> = [
      [
        {
          AddRecord: [
            { name: 'providerId', type: 'bytes32' },
            { name: 'recordId', type: 'bytes32' },
            { name: 'nonce', type: 'uint256' },
            { name: 'deadline', type: 'uint256' },
          ],
        },
        { providerId: b32(1), recordId: b32(2), nonce: '0', deadline: 1_800_000_000 },
      ],
      [
        {
          RespondToRecord: [
            { name: 'recordId', type: 'bytes32' },
            { name: 'accept', type: 'bool' },
            { name: 'nonce', type: 'uint256' },
          ],
        },
        { recordId: b32(3), accept: false, nonce: (2n ** 255n).toString() },
      ],
      [
        {
          Mixed: [
            { name: 'who', type: 'address' },
            { name: 'note', type: 'string' },
            { name: 'small', type: 'uint32' },
            { name: 'hex', type: 'uint64' },
          ],
        },
        { who: '0x' + 'ab'.repeat(20), note: 'ünïcødé ✓', small: 4_294_967_295, hex: '0xff' },
      ],
      [
        {
          Grant: [
            { name: 'grantId', type: 'bytes32' },
            { name: 'recordIds', type: 'bytes32[]' },
          ],
        },
        { grantId: b32(4), recordIds: [b32(5), b32(6)] },
      ],
    ];
    for (const [t, m] of cases) {
      expect(new TypedDataSigner(domain, t).digest(m)).toBe(TypedDataEncoder.hash(domain, t, m));
    }
    const u32 = new TypedDataSigner(domain, { T: [{ name: 'v', type: 'uint32' }] });
    for (const bad of [2 ** 32, -1, '1.5', 'x']) {
      expect(() => u32.digest({ v: bad })).toThrow();
      expect(() => TypedDataEncoder.hash(domain, { T: [{ name: 'v', type: 'uint32' }] }, { v: bad })).toThrow();
    }
    const bytes = new TypedDataSigner(domain, { T: [{ name: 'v', type: 'bytes32' }] });
    expect(() => bytes.digest({ v: '0x1234' })).toThrow();
  });
});
