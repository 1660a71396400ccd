import fc from 'fast-check';
import { type Contract, type Wallet, ZeroHash, id as keccakId } from 'ethers';
import { MerkleTree, ROLES, anchorLeaf, verifyProof } from '../ts/index.js';
import {
  type Chain,
  deploySystem,
  eventsOf,
  expectRevert,
  fundedWallets,
  mined,
  randomId,
  startChain,
} from './support/harness.js';

describe('Anchors', () => {
  let chain: Chain;
  let admin: Wallet, registrarW: Wallet, relayer: Wallet, gatekeeper: Wallet, anchorer: Wallet, stranger: Wallet;
  let anchors: Contract, asAnchorer: Contract, asStranger: Contract;

  beforeAll(async () => {
    chain = await startChain();
    [admin, registrarW, relayer, gatekeeper, anchorer, stranger] = await fundedWallets(chain, 400, 6);
    const sys = await deploySystem(admin!, {
      registrar: registrarW!,
      relayer: relayer!,
      gatekeeper: gatekeeper!,
      anchorer: anchorer!,
    });
    anchors = sys.anchors;
    asAnchorer = anchors.connect(anchorer!) as Contract;
    asStranger = anchors.connect(stranger!) as Contract;
  });
  afterAll(() => chain.stop());

  const batch = (stream: string, firstSeq: number, count: number) => {
    const leaves = Array.from({ length: count }, (_, i) =>
      anchorLeaf(stream, firstSeq + i, keccakId(`event-${firstSeq + i}`)),
    );
    return { leaves, tree: new MerkleTree(leaves) };
  };

  it('exposes the role', async () => {
    expect(await anchors.ANCHORER_ROLE()).toBe(ROLES.ANCHORER);
    expect(await anchors.hasRole(ROLES.ANCHORER, anchorer.address)).toBe(true);
  });

  it('the TS leaf encoding matches leafOf on-chain', async () => {
    const stream = randomId(),
      data = randomId();
    expect(await anchors.leafOf(stream, 42, data)).toBe(anchorLeaf(stream, 42, data));
  });

  it('anchors contiguous batches, emits BatchAnchored and verifies every leaf', async () => {
    const stream = randomId();
    const b0 = batch(stream, 1, 5);
    const r0 = await mined(asAnchorer.anchor(stream, 1, 5, 5, b0.tree.root));
    expect(eventsOf(r0, anchors, 'BatchAnchored')).toEqual([[stream, 0n, 1n, 5n, b0.tree.root]]);
    const b1 = batch(stream, 6, 8);
    const r1 = await mined(asAnchorer.anchor(stream, 6, 13, 8, b1.tree.root));
    expect(eventsOf(r1, anchors, 'BatchAnchored')).toEqual([[stream, 1n, 6n, 13n, b1.tree.root]]);
    expect([...(await anchors.streamOf(stream))]).toEqual([14n, 2n]);
    expect(await anchors.rootOf(stream, 1)).toBe(b1.tree.root);
    for (const [index, b] of [b0, b1].entries()) {
      for (let i = 0; i < b.leaves.length; i++) {
        const proof = b.tree.proof(i);
        expect(verifyProof(b.tree.root, b.leaves[i]!, proof)).toBe(true);
        expect(await anchors.verify(stream, index, proof, b.leaves[i])).toBe(true);
      }
    }
    expect(await anchors.verify(stream, 0, b0.tree.proof(0), b1.leaves[0])).toBe(false);
    expect(await anchors.verify(stream, 1, b1.tree.proof(0), b1.leaves[1])).toBe(false);
    expect(await anchors.verify(stream, 0, [], randomId())).toBe(false);
    await expectRevert(anchors.verify(stream, 2, [], b0.leaves[0]), 'AnchorsBatchNotFound', [stream, 2n]);
  });

  it('property: TS proofs verify on-chain for random batch sizes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 70 }), fc.nat(69), async (size, pick) => {
        const stream = randomId();
        const b = batch(stream, 0, size);
        await mined(asAnchorer.anchor(stream, 0, size - 1, size, b.tree.root));
        const i = pick % size;
        expect(await anchors.verify(stream, 0, b.tree.proof(i), b.leaves[i])).toBe(true);
      }),
      { numRuns: 15 },
    );
  });

  it('rejects gaps, overlaps, bad ranges, zero roots and callers without ANCHORER_ROLE', async () => {
    const stream = randomId();
    await mined(asAnchorer.anchor(stream, 10, 19, 10, randomId()));
    await expectRevert(asAnchorer.anchor(stream, 21, 21, 1, randomId()), 'AnchorsNotContiguous', [stream, 20n, 21n]);
    await expectRevert(asAnchorer.anchor(stream, 19, 25, 7, randomId()), 'AnchorsNotContiguous', [stream, 20n, 19n]);
    await expectRevert(asAnchorer.anchor(stream, 20, 25, 5, randomId()), 'AnchorsInvalidRange', [20n, 25n, 5n]);
    await expectRevert(asAnchorer.anchor(stream, 20, 19, 0, randomId()), 'AnchorsInvalidRange');
    await expectRevert(asAnchorer.anchor(stream, 20, 20, 0, randomId()), 'AnchorsInvalidRange');
    await expectRevert(asAnchorer.anchor(stream, 20, 20, 1, ZeroHash), 'AnchorsZeroRoot');
    await expectRevert(asStranger.anchor(stream, 20, 20, 1, randomId()), 'AccessControlUnauthorizedAccount', [
      stranger.address,
      ROLES.ANCHORER,
    ]);
    await mined(asAnchorer.anchor(stream, 20, 20, 1, randomId()));
  });

  it('anchorMany anchors one batch per stream atomically', async () => {
    const [s1, s2] = [randomId(), randomId()];
    const [a, b] = [batch(s1, 0, 4), batch(s2, 7, 3)];
    const receipt = await mined(
      asAnchorer.anchorMany([
        [s1, 0, 3, 4, a.tree.root],
        [s2, 7, 9, 3, b.tree.root],
      ]),
    );
    expect(eventsOf(receipt, anchors, 'BatchAnchored')).toEqual([
      [s1, 0n, 0n, 3n, a.tree.root],
      [s2, 0n, 7n, 9n, b.tree.root],
    ]);
    expect(await anchors.verify(s2, 0, b.tree.proof(2), b.leaves[2])).toBe(true);
    // the second batch is not contiguous: nothing of the call is kept
    await expectRevert(
      asAnchorer.anchorMany([
        [s1, 4, 4, 1, randomId()],
        [s2, 11, 11, 1, randomId()],
      ]),
      'AnchorsNotContiguous',
      [s2, 10n, 11n],
    );
    expect([...(await anchors.streamOf(s1))]).toEqual([4n, 1n]);
    await expectRevert(asStranger.anchorMany([[s1, 4, 4, 1, randomId()]]), 'AccessControlUnauthorizedAccount');
  });

  it('property: anchored roots never change', async () => {
    const stream = randomId();
    const stored: string[] = [];
    let next = 0;
    const attempt = fc.record({
      byAnchorer: fc.boolean(),
      offset: fc.constantFrom(0, 0, 0, -1, 1, -5),
      count: fc.integer({ min: 1, max: 5 }),
    });
    await fc.assert(
      fc.asyncProperty(attempt, async ({ byAnchorer, offset, count }) => {
        const first = Math.max(0, next + offset);
        const root = randomId();
        try {
          await mined((byAnchorer ? asAnchorer : asStranger).anchor(stream, first, first + count - 1, count, root));
          expect(byAnchorer).toBe(true);
          expect(first === next || stored.length === 0).toBe(true);
          stored.push(root);
          next = first + count;
        } catch {
          // rejected attempts must leave everything as it was
        }
        for (const [i, r] of stored.entries()) expect(await anchors.rootOf(stream, i)).toBe(r);
        expect((await anchors.streamOf(stream))[1]).toBe(BigInt(stored.length));
      }),
      { numRuns: 25 },
    );
  });

  it('MerkleTree helper: single leaf, odd sizes, bad indexes', () => {
    const one = new MerkleTree([randomId()]);
    expect(one.proof(0)).toEqual([]);
    const leaves = Array.from({ length: 7 }, randomId);
    const tree = new MerkleTree(leaves);
    leaves.forEach((l, i) => expect(verifyProof(tree.root, l, tree.proof(i))).toBe(true));
    expect(() => tree.proof(7)).toThrow(RangeError);
    expect(() => new MerkleTree([])).toThrow();
  });
});
