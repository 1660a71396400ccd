import fc from 'fast-check';
import {
  AbiCoder,
  type Contract,
  Signature,
  TypedDataEncoder,
  Wallet,
  ZeroHash,
  hexlify,
  id,
  keccak256,
  recoverAddress,
  toUtf8Bytes,
} from 'ethers';
import {
  IdentityKind,
  MerkleTree,
  RECORD_LEAF_TAG,
  RELATIONSHIPS_TYPES,
  RESPONSE_LEAF_TAG,
  RelationshipStatus,
  ROLES,
  randomNonce,
  recordLeaf,
  recordLeafTuple,
  relationshipKeyTuple,
  relationshipsDigest,
  responseLeaf,
  responseLeafTuple,
  signAddRecord,
  signEndRelationship,
  signRespondToRecords,
  type DomainInput,
  type RecordLeaf,
  type ResponseLeaf,
} from '../ts/index.js';
import {
  type Chain,
  deploySystem,
  eventsOf,
  expectRevert,
  fundedWallets,
  mined,
  now,
  randomAddress,
  randomId,
  startChain,
} from './support/harness.js';

const FAR = 10n ** 12n; // deadline far in the future: other suites may move a shared chain's clock

// A fixed vector, its leaves computed once from the contract (recordLeaf / responseLeaf) and pasted here: if the
// TS encoding and the contract ever drift together, this still fails.
const FIXED_RECORD: RecordLeaf = {
  providerId: id('fixed.provider'),
  patientId: id('fixed.patient'),
  recordId: id('fixed.record'),
  category: '0x6c61622d726573756c7473000000000000000000000000000000000000000000', // "lab-results"
  contentHash: id('fixed.content'),
  pointerHash: id('fixed.pointer'),
  authHash: id('fixed.auth'),
};
const FIXED_RECORD_LEAF = '0x759bbe0ba564798763a6182fecaf6b9b7d1ba44adee27d12e6fc690b873089e7';
const FIXED_RESPONSE: ResponseLeaf = {
  patientId: id('fixed.patient'),
  recordId: id('fixed.record'),
  accept: true,
  authHash: id('fixed.response.auth'),
};
const FIXED_RESPONSE_LEAF = '0x2a32a0698d24f5ef28708c4b27eb0e412dcc1c0562a76acac77cbbc0e54a7abf';

const randomRecord = (over: Partial<RecordLeaf> = {}): RecordLeaf => ({
  providerId: randomId(),
  patientId: randomId(),
  recordId: randomId(),
  category: randomId(),
  contentHash: randomId(),
  pointerHash: randomId(),
  authHash: randomId(),
  ...over,
});
const randomResponse = (over: Partial<ResponseLeaf> = {}): ResponseLeaf => ({
  patientId: randomId(),
  recordId: randomId(),
  accept: Math.random() < 0.5,
  authHash: randomId(),
  ...over,
});

describe('Relationships', () => {
  let chain: Chain;
  let admin: Wallet, registrarW: Wallet, relayer: Wallet, gatekeeper: Wallet, anchorer: Wallet, stranger: Wallet;
  let people: Wallet[];
  let registrar: Contract, rel: Contract, asRelayer: Contract;
  let domain: DomainInput;

  beforeAll(async () => {
    chain = await startChain();
    [admin, registrarW, relayer, gatekeeper, anchorer, stranger, ...people] = await fundedWallets(chain, 200, 40);
    const sys = await deploySystem(admin!, {
      registrar: registrarW!,
      relayer: relayer!,
      gatekeeper: gatekeeper!,
      anchorer: anchorer!,
    });
    registrar = sys.registrar.connect(registrarW!) as Contract;
    rel = sys.relationships;
    asRelayer = rel.connect(relayer!) as Contract;
    domain = { chainId: chain.chainId, verifyingContract: sys.addresses.Relationships };
  });
  afterAll(() => chain.stop());

  let nextPerson = 0;
  async function identity(kind: IdentityKind): Promise<{ id: string; wallet: Wallet }> {
    const wallet = people[nextPerson++]!;
    const identityId = randomId();
    await mined(registrar.register(identityId, kind, randomId(), wallet.address));
    return { id: identityId, wallet };
  }
  const as = (w: Wallet) => rel.connect(w) as Contract;
  const anchor = (root: string, count: number, opened: { patientId: string; providerId: string }[] = []) =>
    mined(asRelayer.anchorBatch(root, count, opened.map(relationshipKeyTuple)));
  /** A registered patient and provider with an active relationship opened by a batch. */
  async function related() {
    const patient = await identity(IdentityKind.Patient);
    const provider = await identity(IdentityKind.Provider);
    await anchor(randomId(), 1, [{ patientId: patient.id, providerId: provider.id }]);
    const relId: string = await rel.relationshipIdOf(patient.id, provider.id);
    return { patient, provider, relId };
  }

  it('exposes the role, the leaf tags and the EIP-712 domain', async () => {
    expect(await rel.RELAYER_ROLE()).toBe(ROLES.RELAYER);
    expect(await rel.hasRole(ROLES.RELAYER, relayer.address)).toBe(true);
    expect(await rel.RECORD_LEAF_TAG()).toBe(RECORD_LEAF_TAG);
    expect(await rel.RESPONSE_LEAF_TAG()).toBe(RESPONSE_LEAF_TAG);
    expect(RECORD_LEAF_TAG).toBe(keccak256(toUtf8Bytes('uhr.relationships.record.v1')));
    expect(RESPONSE_LEAF_TAG).toBe(keccak256(toUtf8Bytes('uhr.relationships.response.v1')));
    const d = await rel.eip712Domain();
    expect(d.name).toBe('UHR Relationships');
    expect(d.version).toBe('1');
    expect(d.chainId).toBe(chain.chainId);
  });

  it('TS typed-data definitions: EndRelationship = the contract type hash; off-chain types as specified', async () => {
    const encode = (name: keyof typeof RELATIONSHIPS_TYPES) =>
      TypedDataEncoder.from({ [name]: [...RELATIONSHIPS_TYPES[name]] }).encodeType(name);
    expect(keccak256(toUtf8Bytes(encode('EndRelationship')))).toBe(await rel.END_RELATIONSHIP_TYPEHASH());
    expect(encode('EndRelationship')).toBe(
      'EndRelationship(bytes32 patientId,bytes32 providerId,uint256 nonce,uint256 deadline)',
    );
    expect(encode('AddRecord')).toBe(
      'AddRecord(bytes32 providerId,bytes32 patientId,bytes32 recordId,bytes32 contentHash,bytes32 pointerHash,uint256 nonce,uint256 deadline)',
    );
    expect(encode('RespondToRecords')).toBe(
      'RespondToRecords(bytes32 patientId,bytes32[] recordIds,bool accept,uint256 nonce,uint256 deadline)',
    );
  });

  it('off-chain signatures (AddRecord, RespondToRecords) recover to the signer from relationshipsDigest', async () => {
    const signer = Wallet.createRandom();
    const add = {
      providerId: randomId(),
      patientId: randomId(),
      recordId: randomId(),
      contentHash: randomId(),
      pointerHash: randomId(),
      nonce: randomNonce(),
      deadline: FAR,
    };
    const addSig = await signAddRecord(signer, domain, add);
    expect(recoverAddress(relationshipsDigest(domain, 'AddRecord', add), Signature.from(addSig))).toBe(signer.address);
    const respond = {
      patientId: randomId(),
      recordIds: [randomId(), randomId()],
      accept: true,
      nonce: 7n,
      deadline: FAR,
    };
    const respondSig = await signRespondToRecords(signer, domain, respond);
    expect(recoverAddress(relationshipsDigest(domain, 'RespondToRecords', respond), respondSig)).toBe(signer.address);
    const flipped = { ...respond, accept: false };
    expect(recoverAddress(relationshipsDigest(domain, 'RespondToRecords', flipped), respondSig)).not.toBe(
      signer.address,
    );
  });

  describe('leaves', () => {
    it('TS recordLeaf / responseLeaf equal the contract for a fixed vector and its pasted hex', async () => {
      expect(await rel.recordLeaf(recordLeafTuple(FIXED_RECORD))).toBe(FIXED_RECORD_LEAF);
      expect(recordLeaf(FIXED_RECORD)).toBe(FIXED_RECORD_LEAF);
      expect(await rel.responseLeaf(responseLeafTuple(FIXED_RESPONSE))).toBe(FIXED_RESPONSE_LEAF);
      expect(responseLeaf(FIXED_RESPONSE)).toBe(FIXED_RESPONSE_LEAF);
      // and the generic ABI coder agrees with the hand-written words
      const abi = AbiCoder.defaultAbiCoder();
      const r = FIXED_RECORD;
      expect(
        keccak256(
          keccak256(
            abi.encode(
              ['bytes32', 'bytes32', 'bytes32', 'bytes32', 'bytes32', 'bytes32', 'bytes32', 'bytes32'],
              [
                RECORD_LEAF_TAG,
                r.providerId,
                r.patientId,
                r.recordId,
                r.category,
                r.contentHash,
                r.pointerHash,
                r.authHash,
              ],
            ),
          ),
        ),
      ).toBe(FIXED_RECORD_LEAF);
      const q = FIXED_RESPONSE;
      expect(
        keccak256(
          keccak256(
            abi.encode(
              ['bytes32', 'bytes32', 'bytes32', 'bool', 'bytes32'],
              [RESPONSE_LEAF_TAG, q.patientId, q.recordId, q.accept, q.authHash],
            ),
          ),
        ),
      ).toBe(FIXED_RESPONSE_LEAF);
      const rejected = { ...FIXED_RESPONSE, accept: false };
      expect(responseLeaf(rejected)).toBe(await rel.responseLeaf(responseLeafTuple(rejected)));
      expect(responseLeaf(rejected)).not.toBe(FIXED_RESPONSE_LEAF);
    });

    it('property: TS leaves equal the contract for random fields', async () => {
      const word = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => hexlify(b));
      await fc.assert(
        fc.asyncProperty(
          fc.record({
            providerId: word,
            patientId: word,
            recordId: word,
            category: word,
            contentHash: word,
            pointerHash: word,
            authHash: word,
          }),
          fc.record({ patientId: word, recordId: word, accept: fc.boolean(), authHash: word }),
          async (record, response) => {
            expect(recordLeaf(record)).toBe(await rel.recordLeaf(recordLeafTuple(record)));
            expect(responseLeaf(response)).toBe(await rel.responseLeaf(responseLeafTuple(response)));
          },
        ),
        { numRuns: 20 },
      );
    });

    it('refuses fields that are not 32 bytes', () => {
      expect(() => recordLeaf({ ...FIXED_RECORD, category: '0x1234' })).toThrow(/category/);
      expect(() => responseLeaf({ ...FIXED_RESPONSE, authHash: ZeroHash + '00' })).toThrow(/authHash/);
    });
  });

  describe('anchorBatch', () => {
    it('stores the batch in one slot, emits RecordBatchAnchored; batchOf and isAnchored read it', async () => {
      const root = randomId();
      expect(await rel.isAnchored(root)).toBe(false);
      expect([...(await rel.batchOf(root))]).toEqual([0n, 0n]);
      const receipt = await anchor(root, 64);
      expect(eventsOf(receipt, rel, 'RecordBatchAnchored')).toEqual([[root, 64n]]);
      expect(eventsOf(receipt, rel, 'RelationshipOpened')).toEqual([]);
      const block = await chain.provider.getBlock(receipt.blockNumber);
      expect([...(await rel.batchOf(root))]).toEqual([BigInt(block!.timestamp), 64n]);
      expect(await rel.isAnchored(root)).toBe(true);
    });

    it('reverts for a missing RELAYER_ROLE, a zero root or count, and an anchored root (roots are immutable)', async () => {
      const root = randomId();
      await expectRevert(as(stranger).anchorBatch(root, 1, []), 'AccessControlUnauthorizedAccount', [
        stranger.address,
        ROLES.RELAYER,
      ]);
      await expectRevert(as(gatekeeper).anchorBatch(root, 1, []), 'AccessControlUnauthorizedAccount');
      await expectRevert(asRelayer.anchorBatch(ZeroHash, 1, []), 'RelationshipsInvalidBatch', []);
      await expectRevert(asRelayer.anchorBatch(root, 0, []), 'RelationshipsInvalidBatch', []);
      const first = await anchor(root, 3);
      const block = await chain.provider.getBlock(first.blockNumber);
      await expectRevert(asRelayer.anchorBatch(root, 3, []), 'RelationshipsBatchExists', [root]);
      await expectRevert(asRelayer.anchorBatch(root, 9, [[randomId(), randomId()]]), 'RelationshipsBatchExists', [
        root,
      ]);
      expect([...(await rel.batchOf(root))]).toEqual([BigInt(block!.timestamp), 3n]);
    });

    it('opens each new pair once, lists it in both Summaries, and skips active or ended pairs without reverting', async () => {
      const patient = await identity(IdentityKind.Patient);
      const [p1, p2, p3] = [randomId(), randomId(), randomId()];
      const ids = await Promise.all([p1, p2, p3].map((p) => rel.relationshipIdOf(patient.id, p)));
      expect(ids[0]).toBe(keccak256(hexConcat(patient.id, p1)));

      const pair = (providerId: string) => ({ patientId: patient.id, providerId });
      // the same pair twice in one batch opens once
      const r1 = await anchor(randomId(), 4, [pair(p1), pair(p2), pair(p1)]);
      expect(eventsOf(r1, rel, 'RelationshipOpened')).toEqual([
        [ids[0], patient.id, p1],
        [ids[1], patient.id, p2],
      ]);
      expect([...(await rel.relationshipOf(ids[0]))]).toEqual([patient.id, p1, BigInt(RelationshipStatus.Active)]);
      expect([...(await rel.relationshipsOf(patient.id))]).toEqual([ids[0], ids[1]]);
      expect([...(await rel.relationshipsOf(p1))]).toEqual([ids[0]]);
      expect([...(await rel.relationshipsOf(p2))]).toEqual([ids[1]]);

      // an ended pair stays ended; an active one is not reopened; a new one in the same batch still opens
      await mined(as(patient.wallet).endRelationship(p2));
      const r2 = await anchor(randomId(), 3, [pair(p1), pair(p2), pair(p3)]);
      expect(eventsOf(r2, rel, 'RelationshipOpened')).toEqual([[ids[2], patient.id, p3]]);
      expect(eventsOf(r2, rel, 'RecordBatchAnchored')).toHaveLength(1);
      expect((await rel.relationshipOf(ids[1]))[2]).toBe(BigInt(RelationshipStatus.Ended));
      expect([...(await rel.relationshipsOf(patient.id))]).toEqual(ids);
      expect([...(await rel.relationshipOf(randomId()))]).toEqual([ZeroHash, ZeroHash, 0n]);
    });
  });

  describe('verifyRecord / verifyResponse', () => {
    /** A batch mixing record and response leaves of several providers and patients, as the records service builds. */
    function batch(size: number) {
      const items = Array.from({ length: size }, (_, i) =>
        i % 3 === 2 ? { response: randomResponse({ accept: i % 2 === 0 }) } : { record: randomRecord() },
      );
      const leaves = items.map((it) => ('record' in it ? recordLeaf(it.record!) : responseLeaf(it.response!)));
      return { items, tree: new MerkleTree(leaves) };
    }
    const verify = (root: string, it: { record?: RecordLeaf; response?: ResponseLeaf }, proof: string[]) =>
      it.record
        ? rel.verifyRecord(root, recordLeafTuple(it.record), proof)
        : rel.verifyResponse(root, responseLeafTuple(it.response!), proof);

    it.each([1, 2, 3, 64, 65])('every leaf of an anchored tree of %i verifies', async (size) => {
      const { items, tree } = batch(size);
      // not anchored yet: false even with a correct proof
      expect(await verify(tree.root, items[0]!, tree.proof(0))).toBe(false);
      await anchor(tree.root, size);
      const results = await Promise.all(items.map((it, i) => verify(tree.root, it, tree.proof(i))));
      expect(results).toEqual(items.map(() => true));
    });

    it('a tampered field, a wrong proof, a leaf of the other kind and an un-anchored root are refused', async () => {
      const { items, tree } = batch(6); // leaves 2 and 5 are responses
      await anchor(tree.root, 6);
      const record = items[0]!.record!;
      const response = items[2]!.response!;
      for (const field of Object.keys(record) as (keyof RecordLeaf)[]) {
        const tampered = { ...record, [field]: randomId() };
        expect(await rel.verifyRecord(tree.root, recordLeafTuple(tampered), tree.proof(0))).toBe(false);
      }
      for (const tampered of [
        { ...response, patientId: randomId() },
        { ...response, recordId: randomId() },
        { ...response, accept: !response.accept },
        { ...response, authHash: randomId() },
      ]) {
        expect(await rel.verifyResponse(tree.root, responseLeafTuple(tampered), tree.proof(2))).toBe(false);
      }
      expect(await rel.verifyRecord(tree.root, recordLeafTuple(record), tree.proof(1))).toBe(false);
      expect(await rel.verifyRecord(tree.root, recordLeafTuple(record), [])).toBe(false);
      expect(await rel.verifyRecord(tree.root, recordLeafTuple(record), [...tree.proof(0), randomId()])).toBe(false);
      // a response's fields presented as a record (and the reverse) do not verify: the tags differ
      expect(await rel.verifyResponse(tree.root, responseLeafTuple(response), tree.proof(0))).toBe(false);
      const other = batch(6);
      expect(
        await rel.verifyRecord(other.tree.root, recordLeafTuple(other.items[0]!.record!), other.tree.proof(0)),
      ).toBe(false);
      expect(await rel.verifyRecord(tree.root, recordLeafTuple(record), tree.proof(0))).toBe(true);
    });
  });

  describe('endRelationshipBySig (relayed, patient-signed, unordered nonces)', () => {
    const end = (patientId: string, providerId: string, nonce: bigint, deadline: bigint, sig: string, c = asRelayer) =>
      c.endRelationshipBySig(patientId, providerId, nonce, deadline, sig);

    it('ends the relationship (RelationshipEnded), marks the nonce; a replay or a reused nonce reverts NonceUsed', async () => {
      const { patient, provider, relId } = await related();
      const m = { patientId: patient.id, providerId: provider.id, nonce: randomNonce(), deadline: FAR };
      expect(await rel.nonceUsed(patient.id, m.nonce)).toBe(false);
      const sig = await signEndRelationship(patient.wallet, domain, m);
      const receipt = await mined(end(patient.id, provider.id, m.nonce, FAR, sig));
      expect(eventsOf(receipt, rel, 'RelationshipEnded')).toEqual([[relId, patient.id, provider.id]]);
      expect((await rel.relationshipOf(relId))[2]).toBe(BigInt(RelationshipStatus.Ended));
      expect(await rel.nonceUsed(patient.id, m.nonce)).toBe(true);
      expect(await rel.nonceUsed(provider.id, m.nonce)).toBe(false);
      await expectRevert(end(patient.id, provider.id, m.nonce, FAR, sig), 'IdentitySignerNonceUsed', [
        patient.id,
        m.nonce,
      ]);
      // the same nonce on a different message of the same patient
      const second = await identity(IdentityKind.Provider);
      await anchor(randomId(), 1, [{ patientId: patient.id, providerId: second.id }]);
      const reuse = { ...m, providerId: second.id };
      await expectRevert(
        end(patient.id, second.id, m.nonce, FAR, await signEndRelationship(patient.wallet, domain, reuse)),
        'IdentitySignerNonceUsed',
        [patient.id, m.nonce],
      );
      // ending it again with a fresh nonce: not active
      const again = { ...m, nonce: randomNonce() };
      await expectRevert(
        end(patient.id, provider.id, again.nonce, FAR, await signEndRelationship(patient.wallet, domain, again)),
        'RelationshipsRelationshipNotActive',
        [relId],
      );
    });

    it('two signatures made at the same moment with different nonces both land, in reverse order', async () => {
      const { patient, provider: a, relId: relA } = await related();
      const b = await identity(IdentityKind.Provider);
      await anchor(randomId(), 2, [{ patientId: patient.id, providerId: b.id }]);
      const relB = await rel.relationshipIdOf(patient.id, b.id);
      const mA = { patientId: patient.id, providerId: a.id, nonce: randomNonce(), deadline: FAR };
      const mB = { patientId: patient.id, providerId: b.id, nonce: randomNonce(), deadline: FAR };
      const [sigA, sigB] = await Promise.all([
        signEndRelationship(patient.wallet, domain, mA),
        signEndRelationship(patient.wallet, domain, mB),
      ]);
      await mined(end(patient.id, b.id, mB.nonce, FAR, sigB));
      await mined(end(patient.id, a.id, mA.nonce, FAR, sigA));
      expect((await rel.relationshipOf(relA))[2]).toBe(BigInt(RelationshipStatus.Ended));
      expect((await rel.relationshipOf(relB))[2]).toBe(BigInt(RelationshipStatus.Ended));
    });

    it('nonces share a bitmap word without colliding (0, 1, 255, 256, 2^256-1)', async () => {
      const patient = await identity(IdentityKind.Patient);
      const nonces = [1n, 0n, 255n, 256n, 2n ** 256n - 1n];
      for (const n of nonces) {
        const provider = randomId();
        await anchor(randomId(), 1, [{ patientId: patient.id, providerId: provider }]);
        const m = { patientId: patient.id, providerId: provider, nonce: n, deadline: FAR };
        await mined(end(patient.id, provider, n, FAR, await signEndRelationship(patient.wallet, domain, m)));
      }
      for (const n of nonces) expect(await rel.nonceUsed(patient.id, n)).toBe(true);
      for (const n of [2n, 254n, 257n, 512n, 2n ** 256n - 2n]) expect(await rel.nonceUsed(patient.id, n)).toBe(false);
    });

    it('rejects a wrong signer, a bad signature, another domain, an expired deadline, a missing RELAYER_ROLE — without spending the nonce', async () => {
      const { patient, provider } = await related();
      const m = { patientId: patient.id, providerId: provider.id, nonce: randomNonce(), deadline: FAR };
      await expectRevert(
        end(patient.id, provider.id, m.nonce, FAR, await signEndRelationship(provider.wallet, domain, m)),
        'IdentitySignerInvalidSignature',
        [patient.id, provider.wallet.address],
      );
      await expectRevert(end(patient.id, provider.id, m.nonce, FAR, '0x1234'), 'IdentitySignerInvalidSignature');
      const otherDomain = { ...domain, verifyingContract: randomAddress() };
      await expectRevert(
        end(patient.id, provider.id, m.nonce, FAR, await signEndRelationship(patient.wallet, otherDomain, m)),
        'IdentitySignerInvalidSignature',
      );
      const sig = await signEndRelationship(patient.wallet, domain, m);
      // tampered nonce or deadline: the signature no longer matches
      await expectRevert(end(patient.id, provider.id, m.nonce + 1n, FAR, sig), 'IdentitySignerInvalidSignature');
      await expectRevert(end(patient.id, provider.id, m.nonce, FAR - 1n, sig), 'IdentitySignerInvalidSignature');
      const past = BigInt(await now(chain)) - 1n;
      await expectRevert(
        end(
          patient.id,
          provider.id,
          m.nonce,
          past,
          await signEndRelationship(patient.wallet, domain, { ...m, deadline: past }),
        ),
        'IdentitySignerExpired',
        [past],
      );
      await expectRevert(
        end(patient.id, provider.id, m.nonce, FAR, sig, as(stranger)),
        'AccessControlUnauthorizedAccount',
        [stranger.address, ROLES.RELAYER],
      );
      // a provider id in the patient slot: not a patient
      await expectRevert(
        end(provider.id, patient.id, m.nonce, FAR, await signEndRelationship(provider.wallet, domain, m)),
        'IdentitySignerWrongIdentity',
        [provider.id, 1n],
      );
      expect(await rel.nonceUsed(patient.id, m.nonce)).toBe(false);
      await mined(end(patient.id, provider.id, m.nonce, FAR, sig));
    });

    it('after a rebind the lost key can no longer sign, the new key can', async () => {
      const { patient, provider } = await related();
      const newKey = people[nextPerson++]!;
      await mined(registrar.rebind(patient.id, newKey.address));
      const m = { patientId: patient.id, providerId: provider.id, nonce: randomNonce(), deadline: FAR };
      await expectRevert(
        end(patient.id, provider.id, m.nonce, FAR, await signEndRelationship(patient.wallet, domain, m)),
        'IdentitySignerInvalidSignature',
      );
      await mined(end(patient.id, provider.id, m.nonce, FAR, await signEndRelationship(newKey, domain, m)));
    });

    it('ending a relationship that was never opened reverts RelationshipsRelationshipNotActive', async () => {
      const patient = await identity(IdentityKind.Patient);
      const provider = randomId();
      const m = { patientId: patient.id, providerId: provider, nonce: randomNonce(), deadline: FAR };
      await expectRevert(
        end(patient.id, provider, m.nonce, FAR, await signEndRelationship(patient.wallet, domain, m)),
        'RelationshipsRelationshipNotActive',
        [await rel.relationshipIdOf(patient.id, provider)],
      );
    });
  });

  it('endRelationship directly from the patient account; other accounts and unopened pairs are refused', async () => {
    const { patient, provider, relId } = await related();
    await expectRevert(as(provider.wallet).endRelationship(provider.id), 'IdentitySignerWrongIdentity', [
      provider.id,
      1n,
    ]);
    await expectRevert(as(stranger).endRelationship(provider.id), 'IdentitySignerWrongIdentity', [ZeroHash, 1n]);
    const unopened = randomId();
    await expectRevert(as(patient.wallet).endRelationship(unopened), 'RelationshipsRelationshipNotActive', [
      await rel.relationshipIdOf(patient.id, unopened),
    ]);
    const receipt = await mined(as(patient.wallet).endRelationship(provider.id));
    expect(eventsOf(receipt, rel, 'RelationshipEnded')).toEqual([[relId, patient.id, provider.id]]);
    await expectRevert(as(patient.wallet).endRelationship(provider.id), 'RelationshipsRelationshipNotActive', [relId]);
  });
});

function hexConcat(a: string, b: string): string {
  return '0x' + a.slice(2) + b.slice(2);
}
