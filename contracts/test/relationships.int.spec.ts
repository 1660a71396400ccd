import { type Contract, type Wallet, TypedDataEncoder, ZeroHash, keccak256, toUtf8Bytes } from 'ethers';
import {
  IdentityKind,
  RELATIONSHIPS_TYPES,
  RecordStatus,
  RelationshipStatus,
  ROLES,
  signAddRecord,
  signEndRelationship,
  signRespondToRecord,
  type DomainInput,
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
    const id = randomId();
    await mined(registrar.register(id, kind, randomId(), wallet.address));
    return { id, wallet };
  }
  const as = (w: Wallet) => rel.connect(w) as Contract;
  const nonce = (id: string): Promise<bigint> => rel.nonces(id);

  it('exposes the role and the EIP-712 domain', async () => {
    expect(await rel.RELAYER_ROLE()).toBe(ROLES.RELAYER);
    expect(await rel.hasRole(ROLES.RELAYER, relayer.address)).toBe(true);
    const d = await rel.eip712Domain();
    expect(d.name).toBe('UHR Relationships');
    expect(d.version).toBe('1');
    expect(d.chainId).toBe(chain.chainId);
  });

  it('TS typed-data definitions hash to the contract type hashes', async () => {
    for (const [name, constant] of [
      ['AddRecord', 'ADD_RECORD_TYPEHASH'],
      ['RespondToRecord', 'RESPOND_TYPEHASH'],
      ['EndRelationship', 'END_RELATIONSHIP_TYPEHASH'],
    ] as const) {
      const encoded = TypedDataEncoder.from({ [name]: [...RELATIONSHIPS_TYPES[name]] }).encodeType(name);
      expect(keccak256(toUtf8Bytes(encoded))).toBe(await rel[constant]());
    }
  });

  it('a provider adds records directly; the first opens the relationship; the Summary lists it', async () => {
    const patient = await identity(IdentityKind.Patient);
    const provider = await identity(IdentityKind.Provider);
    const [r1, r2, c1, c2, p1] = [randomId(), randomId(), randomId(), randomId(), randomId()];
    const relId = await rel.relationshipIdOf(patient.id, provider.id);

    const first = await mined(as(provider.wallet).addRecord(patient.id, r1, c1, p1));
    expect(eventsOf(first, rel, 'RelationshipOpened')).toEqual([[relId, patient.id, provider.id]]);
    expect(eventsOf(first, rel, 'RecordAdded')).toEqual([[r1, relId, c1, p1]]);
    const second = await mined(as(provider.wallet).addRecord(patient.id, r2, c2, ZeroHash));
    expect(eventsOf(second, rel, 'RelationshipOpened')).toEqual([]);
    expect(eventsOf(second, rel, 'RecordAdded')).toEqual([[r2, relId, c2, ZeroHash]]);

    expect([...(await rel.recordOf(r1))]).toEqual([patient.id, provider.id, c1, p1, BigInt(RecordStatus.Pending)]);
    expect([...(await rel.relationshipOf(relId))]).toEqual([
      patient.id,
      provider.id,
      BigInt(RelationshipStatus.Active),
      2n,
    ]);
    expect([...(await rel.relationshipsOf(patient.id))]).toEqual([relId]);
    expect([...(await rel.relationshipsOf(provider.id))]).toEqual([relId]);
    expect([...(await rel.recordsOf(relId))]).toEqual([r1, r2]);
  });

  it('addRecord reverts for non-providers, inactive patients, duplicates and empty records', async () => {
    const patient = await identity(IdentityKind.Patient);
    const provider = await identity(IdentityKind.Provider);
    const other = await identity(IdentityKind.ThirdParty);
    const r = randomId();
    await expectRevert(
      as(patient.wallet).addRecord(patient.id, randomId(), randomId(), randomId()),
      'IdentitySignerWrongIdentity',
      [patient.id, 2n],
    );
    await expectRevert(
      as(other.wallet).addRecord(patient.id, randomId(), randomId(), randomId()),
      'IdentitySignerWrongIdentity',
    );
    await expectRevert(
      as(stranger).addRecord(patient.id, randomId(), randomId(), randomId()),
      'IdentitySignerWrongIdentity',
      [ZeroHash, 2n],
    );
    await expectRevert(
      as(provider.wallet).addRecord(other.id, randomId(), randomId(), randomId()),
      'IdentitySignerWrongIdentity',
      [other.id, 1n],
    );
    await expectRevert(
      as(provider.wallet).addRecord(randomId(), randomId(), randomId(), randomId()),
      'IdentitySignerWrongIdentity',
    );
    await expectRevert(
      as(provider.wallet).addRecord(patient.id, ZeroHash, randomId(), randomId()),
      'RelationshipsInvalidRecord',
    );
    await expectRevert(
      as(provider.wallet).addRecord(patient.id, randomId(), ZeroHash, randomId()),
      'RelationshipsInvalidRecord',
    );
    await mined(as(provider.wallet).addRecord(patient.id, r, randomId(), randomId()));
    await expectRevert(
      as(provider.wallet).addRecord(patient.id, r, randomId(), randomId()),
      'RelationshipsRecordExists',
      [r],
    );
  });

  describe('addRecordBySig (relayed, provider-signed)', () => {
    it('adds the record and consumes the provider nonce', async () => {
      const patient = await identity(IdentityKind.Patient);
      const provider = await identity(IdentityKind.Provider);
      const msg = {
        providerId: provider.id,
        patientId: patient.id,
        recordId: randomId(),
        contentHash: randomId(),
        pointerHash: randomId(),
        nonce: await nonce(provider.id),
        deadline: FAR,
      };
      const sig = await signAddRecord(provider.wallet, domain, msg);
      const receipt = await mined(
        asRelayer.addRecordBySig(
          msg.providerId,
          msg.patientId,
          msg.recordId,
          msg.contentHash,
          msg.pointerHash,
          msg.deadline,
          sig,
        ),
      );
      expect(eventsOf(receipt, rel, 'RecordAdded')).toHaveLength(1);
      expect(await nonce(provider.id)).toBe(msg.nonce + 1n);
      // replay of the same signature fails: the nonce moved on
      await expectRevert(
        asRelayer.addRecordBySig(
          msg.providerId,
          msg.patientId,
          randomId(),
          msg.contentHash,
          msg.pointerHash,
          msg.deadline,
          sig,
        ),
        'IdentitySignerInvalidSignature',
      );
      await expectRevert(
        asRelayer.addRecordBySig(
          msg.providerId,
          msg.patientId,
          msg.recordId,
          msg.contentHash,
          msg.pointerHash,
          msg.deadline,
          sig,
        ),
        'IdentitySignerInvalidSignature',
      );
    });
    it('rejects a wrong signer, an expired deadline, a tampered field, a missing RELAYER_ROLE', async () => {
      const patient = await identity(IdentityKind.Patient);
      const provider = await identity(IdentityKind.Provider);
      const base = {
        providerId: provider.id,
        patientId: patient.id,
        recordId: randomId(),
        contentHash: randomId(),
        pointerHash: randomId(),
        nonce: await nonce(provider.id),
        deadline: FAR,
      };
      const call = (c: Contract, m: typeof base, sig: string) =>
        c.addRecordBySig(m.providerId, m.patientId, m.recordId, m.contentHash, m.pointerHash, m.deadline, sig);
      const byPatient = await signAddRecord(patient.wallet, domain, base);
      await expectRevert(call(asRelayer, base, byPatient), 'IdentitySignerInvalidSignature', [
        provider.id,
        patient.wallet.address,
      ]);
      const expired = { ...base, deadline: BigInt(await now(chain)) - 1n };
      await expectRevert(
        call(asRelayer, expired, await signAddRecord(provider.wallet, domain, expired)),
        'IdentitySignerExpired',
      );
      const good = await signAddRecord(provider.wallet, domain, base);
      await expectRevert(call(asRelayer, { ...base, contentHash: randomId() }, good), 'IdentitySignerInvalidSignature');
      await expectRevert(call(asRelayer, base, '0x1234'), 'IdentitySignerInvalidSignature');
      await expectRevert(call(as(stranger), base, good), 'AccessControlUnauthorizedAccount', [
        stranger.address,
        ROLES.RELAYER,
      ]);
      const otherDomain = { ...domain, verifyingContract: randomAddress() };
      await expectRevert(
        call(asRelayer, base, await signAddRecord(provider.wallet, otherDomain, base)),
        'IdentitySignerInvalidSignature',
      );
      await mined(call(asRelayer, base, good));
    });
    it('after a rebind the lost key can no longer sign, the new key can', async () => {
      const patient = await identity(IdentityKind.Patient);
      const provider = await identity(IdentityKind.Provider);
      const newKey = people[nextPerson++]!;
      await mined(registrar.rebind(provider.id, newKey.address));
      const m = {
        providerId: provider.id,
        patientId: patient.id,
        recordId: randomId(),
        contentHash: randomId(),
        pointerHash: randomId(),
        nonce: await nonce(provider.id),
        deadline: FAR,
      };
      const call = (sig: string) =>
        asRelayer.addRecordBySig(m.providerId, m.patientId, m.recordId, m.contentHash, m.pointerHash, m.deadline, sig);
      await expectRevert(call(await signAddRecord(provider.wallet, domain, m)), 'IdentitySignerInvalidSignature');
      await mined(call(await signAddRecord(newKey, domain, m)));
    });
  });

  describe('patient answers', () => {
    async function pending() {
      const patient = await identity(IdentityKind.Patient);
      const provider = await identity(IdentityKind.Provider);
      const recordId = randomId();
      await mined(as(provider.wallet).addRecord(patient.id, recordId, randomId(), randomId()));
      return { patient, provider, recordId };
    }

    it('respondBySig accepts and rejects, emitting RecordAccepted / RecordRejected', async () => {
      const { patient, provider, recordId } = await pending();
      const other = randomId();
      await mined(as(provider.wallet).addRecord(patient.id, other, randomId(), randomId()));
      const m1 = { recordId, accept: true, nonce: await nonce(patient.id), deadline: FAR };
      const r1 = await mined(
        asRelayer.respondBySig(recordId, true, FAR, await signRespondToRecord(patient.wallet, domain, m1)),
      );
      expect(eventsOf(r1, rel, 'RecordAccepted')).toEqual([[recordId, patient.id]]);
      expect((await rel.recordOf(recordId))[4]).toBe(BigInt(RecordStatus.Accepted));
      const m2 = { recordId: other, accept: false, nonce: await nonce(patient.id), deadline: FAR };
      const r2 = await mined(
        asRelayer.respondBySig(other, false, FAR, await signRespondToRecord(patient.wallet, domain, m2)),
      );
      expect(eventsOf(r2, rel, 'RecordRejected')).toEqual([[other, patient.id]]);
      expect((await rel.recordOf(other))[4]).toBe(BigInt(RecordStatus.Rejected));
      const m3 = { recordId, accept: false, nonce: await nonce(patient.id), deadline: FAR };
      await expectRevert(
        asRelayer.respondBySig(recordId, false, FAR, await signRespondToRecord(patient.wallet, domain, m3)),
        'RelationshipsRecordNotPending',
        [recordId],
      );
    });

    it('respondBySig rejects replay, wrong signer, flipped answer, expired deadline, unknown record, missing role', async () => {
      const { patient, provider, recordId } = await pending();
      const m = { recordId, accept: true, nonce: await nonce(patient.id), deadline: FAR };
      const sig = await signRespondToRecord(patient.wallet, domain, m);
      await expectRevert(
        asRelayer.respondBySig(recordId, true, FAR, await signRespondToRecord(provider.wallet, domain, m)),
        'IdentitySignerInvalidSignature',
        [patient.id, provider.wallet.address],
      );
      await expectRevert(asRelayer.respondBySig(recordId, false, FAR, sig), 'IdentitySignerInvalidSignature');
      const past = BigInt(await now(chain)) - 1n;
      await expectRevert(
        asRelayer.respondBySig(
          recordId,
          true,
          past,
          await signRespondToRecord(patient.wallet, domain, { ...m, deadline: past }),
        ),
        'IdentitySignerExpired',
        [past],
      );
      await expectRevert(asRelayer.respondBySig(randomId(), true, FAR, sig), 'RelationshipsRecordNotFound');
      await expectRevert(as(stranger).respondBySig(recordId, true, FAR, sig), 'AccessControlUnauthorizedAccount');
      await mined(asRelayer.respondBySig(recordId, true, FAR, sig));
      // replay on a second pending record of the same patient
      const second = randomId();
      await mined(as(provider.wallet).addRecord(patient.id, second, randomId(), randomId()));
      const again = { ...m, recordId: second };
      await expectRevert(
        asRelayer.respondBySig(second, true, FAR, await signRespondToRecord(patient.wallet, domain, again)),
        'IdentitySignerInvalidSignature',
      );
    });

    it('respond directly from the patient account; other accounts are refused', async () => {
      const { patient, provider, recordId } = await pending();
      await expectRevert(as(provider.wallet).respond(recordId, true), 'IdentitySignerWrongIdentity');
      const otherPatient = await identity(IdentityKind.Patient);
      await expectRevert(as(otherPatient.wallet).respond(recordId, true), 'IdentitySignerWrongIdentity', [
        patient.id,
        1n,
      ]);
      await expectRevert(as(patient.wallet).respond(randomId(), true), 'RelationshipsRecordNotFound');
      const receipt = await mined(as(patient.wallet).respond(recordId, false));
      expect(eventsOf(receipt, rel, 'RecordRejected')).toHaveLength(1);
    });

    it('the patient ends a relationship (signed or direct); the provider can add no more records', async () => {
      const { patient, provider } = await pending();
      const relId = await rel.relationshipIdOf(patient.id, provider.id);
      const m = { patientId: patient.id, providerId: provider.id, nonce: await nonce(patient.id), deadline: FAR };
      await expectRevert(
        asRelayer.endRelationshipBySig(
          patient.id,
          provider.id,
          FAR,
          await signEndRelationship(provider.wallet, domain, m),
        ),
        'IdentitySignerInvalidSignature',
      );
      await expectRevert(
        as(stranger).endRelationshipBySig(
          patient.id,
          provider.id,
          FAR,
          await signEndRelationship(patient.wallet, domain, m),
        ),
        'AccessControlUnauthorizedAccount',
      );
      const past = BigInt(await now(chain)) - 1n;
      await expectRevert(
        asRelayer.endRelationshipBySig(
          patient.id,
          provider.id,
          past,
          await signEndRelationship(patient.wallet, domain, { ...m, deadline: past }),
        ),
        'IdentitySignerExpired',
      );
      const sig = await signEndRelationship(patient.wallet, domain, m);
      const receipt = await mined(asRelayer.endRelationshipBySig(patient.id, provider.id, FAR, sig));
      expect(eventsOf(receipt, rel, 'RelationshipEnded')).toEqual([[relId, patient.id, provider.id]]);
      expect((await rel.relationshipOf(relId))[2]).toBe(BigInt(RelationshipStatus.Ended));
      await expectRevert(
        asRelayer.endRelationshipBySig(patient.id, provider.id, FAR, sig),
        'IdentitySignerInvalidSignature',
      );
      await expectRevert(as(patient.wallet).endRelationship(provider.id), 'RelationshipsRelationshipNotActive', [
        relId,
      ]);
      await expectRevert(
        as(provider.wallet).addRecord(patient.id, randomId(), randomId(), randomId()),
        'RelationshipsRelationshipEnded',
        [relId],
      );

      const other = await pending();
      await expectRevert(as(other.provider.wallet).endRelationship(other.provider.id), 'IdentitySignerWrongIdentity');
      await expectRevert(as(other.patient.wallet).endRelationship(randomId()), 'RelationshipsRelationshipNotActive');
      const direct = await mined(as(other.patient.wallet).endRelationship(other.provider.id));
      expect(eventsOf(direct, rel, 'RelationshipEnded')).toHaveLength(1);
    });
  });
});
