import { describe, expect, it } from '@jest/globals';
import { keccak_256 } from '@noble/hashes/sha3';
import { id, keccak256 } from 'ethers';
import { keccak256Bytes } from '../../src/crypto/keccak.js';

describe('keccak256Bytes', () => {
  it('is Keccak-256 (fixed vectors), and what ethers now hashes with', () => {
    expect(Buffer.from(keccak256Bytes(new Uint8Array())).toString('hex')).toBe(
      'c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470',
    );
    expect(id('RELAYER_ROLE')).toBe('0xe2b7fb3b832174769106daebcfd6d1970523240dda11281102db9363b83b0dc4');
  });

  it('agrees with the pure-JS implementation on inputs of every length up to 300 bytes', () => {
    for (let n = 0; n <= 300; n++) {
      const data = Uint8Array.from({ length: n }, (_, i) => (i * 31 + n) & 0xff);
      expect(keccak256(data)).toBe('0x' + Buffer.from(keccak_256(data)).toString('hex'));
    }
  });
});
