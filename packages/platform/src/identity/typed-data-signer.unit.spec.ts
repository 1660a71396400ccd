import { Signature, Wallet, verifyTypedData } from 'ethers';
import { recoverDigestSigner, recoverTypedDataSigner, TypedDataSigner } from './typed-data-signer.js';

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
});
