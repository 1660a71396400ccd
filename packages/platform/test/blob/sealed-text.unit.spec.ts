import { BlobIntegrityError } from '../../src/blob/errors.js';
import { KeyRing } from '../../src/blob/key-ring.js';
import { openText, sealText } from '../../src/blob/sealed-text.js';

const ring = new KeyRing(new Map([['k1', Buffer.alloc(32, 7)]]), 'k1');

describe('sealed text', () => {
  it('opens under its own name only, and never shows the text', () => {
    const sealed = sealText('HIV viral load — ünïcødé', ring, 'record-1');
    expect(sealed).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(sealed).not.toContain('HIV');
    expect(Buffer.from(sealed.split('.')[1]!, 'base64url').toString('utf8')).not.toContain('HIV');
    expect(openText(sealed, ring, 'record-1')).toBe('HIV viral load — ünïcødé');
    expect(() => openText(sealed, ring, 'record-2')).toThrow(BlobIntegrityError);
  });

  it('refuses an altered or malformed text', () => {
    const sealed = sealText('Lab report', ring, 'r');
    const [h, c] = sealed.split('.') as [string, string];
    const flipped = Buffer.from(c, 'base64url');
    flipped[0] = flipped[0]! ^ 1;
    expect(() => openText(`${h}.${flipped.toString('base64url')}`, ring, 'r')).toThrow(BlobIntegrityError);
    expect(() => openText('nonsense', ring, 'r')).toThrow(BlobIntegrityError);
    expect(() => openText(`${Buffer.from('{}').toString('base64url')}.${c}`, ring, 'r')).toThrow();
  });

  it('draws a fresh key each time: one title sealed twice gives two texts', () => {
    expect(sealText('same', ring, 'r')).not.toBe(sealText('same', ring, 'r'));
  });
});
