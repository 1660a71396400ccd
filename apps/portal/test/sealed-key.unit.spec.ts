import { NotAKeyFile, WrongPassphrase, openKey, parseKeyFile, sealKey } from '../src/keys/sealed-key';

// Fewer PBKDF2 rounds than the app's 600,000 keep the suite fast; the scheme is the same.
const ROUNDS = 100_000;
const key = Uint8Array.from({ length: 32 }, (_, i) => i + 1);
const address = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
const passphrase = 'correct horse battery staple';

describe('the sealed key', () => {
  it('opens with the passphrase it was sealed with, giving the exact key', async () => {
    const sealed = await sealKey(key, address, passphrase, ROUNDS);
    expect(Array.from(await openKey(sealed, passphrase))).toEqual(Array.from(key));
  });

  it('holds neither the key nor the passphrase in the clear', async () => {
    const text = JSON.stringify(await sealKey(key, address, passphrase, ROUNDS));
    expect(text).not.toContain(passphrase);
    expect(text).not.toContain(Buffer.from(key).toString('base64'));
    expect(text).not.toContain(Buffer.from(key).toString('hex'));
  });

  it.each(['correct horse battery stapl', 'Correct horse battery staple', '', `${passphrase} `])(
    'never yields the key for a wrong passphrase (%j)',
    async (wrong) => {
      const sealed = await sealKey(key, address, passphrase, ROUNDS);
      await expect(openKey(sealed, wrong)).rejects.toBeInstanceOf(WrongPassphrase);
    },
  );

  it('refuses a file relabelled with another address or with altered bytes', async () => {
    const sealed = await sealKey(key, address, passphrase, ROUNDS);
    const relabelled = { ...sealed, address: '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC' };
    await expect(openKey(relabelled, passphrase)).rejects.toBeInstanceOf(WrongPassphrase);
    const bytes = Buffer.from(sealed.cipher.data, 'base64');
    bytes[0] ^= 1;
    const altered = { ...sealed, cipher: { ...sealed.cipher, data: bytes.toString('base64') } };
    await expect(openKey(altered, passphrase)).rejects.toBeInstanceOf(WrongPassphrase);
  });

  it('uses a fresh salt and nonce each time', async () => {
    const [a, b] = await Promise.all([
      sealKey(key, address, passphrase, ROUNDS),
      sealKey(key, address, passphrase, ROUNDS),
    ]);
    expect(a.kdf.salt).not.toBe(b.kdf.salt);
    expect(a.cipher.iv).not.toBe(b.cipher.iv);
    expect(a.cipher.data).not.toBe(b.cipher.data);
  });

  it('refuses a short passphrase when sealing', async () => {
    await expect(sealKey(key, address, 'short', ROUNDS)).rejects.toThrow(/at least 10/);
  });

  it('reads back its own backup file and refuses other files, naming why', async () => {
    const sealed = await sealKey(key, address, passphrase, ROUNDS);
    expect(parseKeyFile(JSON.stringify(sealed))).toEqual(sealed);
    expect(() => parseKeyFile('not json')).toThrow(NotAKeyFile);
    expect(() => parseKeyFile('{"format":"other"}')).toThrow(/not made by this website/);
    const weak = { ...sealed, kdf: { ...sealed.kdf, iterations: 1 } };
    expect(() => parseKeyFile(JSON.stringify(weak))).toThrow(/protection settings/);
  });
});
