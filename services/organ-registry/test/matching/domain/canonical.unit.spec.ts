import { canonicalJson, keccakHex, keccakOfParts } from '../../../src/matching/domain/canonical.js';
import { POLICY_2026_1, policyHash } from '../../../src/matching/domain/policy.js';

describe('canonical JSON and its hash', () => {
  it('sorts keys at every depth and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: [1, 'x', { d: null, c: true }], u: undefined })).toBe(
      '{"a":[1,"x",{"c":true,"d":null}],"b":1}',
    );
  });
  it('refuses non-finite numbers', () => {
    expect(() => canonicalJson({ x: Number.NaN })).toThrow(/finite/);
  });
  it('hashes parts as their concatenation: Keccak-256("abc") and Keccak-256("")', () => {
    expect(keccakOfParts(['ab', 'c'])).toBe('4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45');
    expect(keccakOfParts([])).toBe('c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470');
    expect(keccakHex('abc')).toBe('4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45');
  });
  it('one-shot hashes inside a streamed one do not disturb it', () => {
    function* parts() {
      yield 'a';
      keccakHex('zzz');
      yield 'bc';
    }
    expect(keccakOfParts(parts())).toBe('4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45');
  });
  it('parts that cross and exceed the internal buffer hash as one string (UTF-8 included)', () => {
    const parts = [...Array.from({ length: 5000 }, (_, i) => `é${i}-`), 'x'.repeat(70_000), 'ü'];
    expect(keccakOfParts(parts)).toBe(keccakHex(parts.join('')));
  });
  it('a policy change is a different policy hash', () => {
    const changed = { ...POLICY_2026_1, kidney: { ...POLICY_2026_1.kidney, priorLivingDonorPoints: 3 } };
    expect(policyHash(changed)).not.toBe(policyHash(POLICY_2026_1));
    expect(policyHash(POLICY_2026_1)).toMatch(/^0x[0-9a-f]{64}$/);
  });
});
