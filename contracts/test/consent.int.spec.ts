import fc from 'fast-check';
import {
  type Contract,
  type Wallet,
  TypedDataEncoder,
  ZeroHash,
  encodeBytes32String,
  keccak256,
  toUtf8Bytes,
} from 'ethers';
import {
  CONSENT_TYPES,
  IdentityKind,
  ROLES,
  Verdict,
  grantRequestTuple,
  randomNonce,
  signBreakGlass,
  signGrant,
  signRevoke,
  type DomainInput,
  type GrantRequest,
} from '../ts/index.js';
import {
  type Chain,
  deploySystem,
  eventsOf,
  expectRevert,
  fundedWallets,
  increaseTime,
  mined,
  now,
  randomAddress,
  randomId,
  startChain,
} from './support/harness.js';

const FAR = 10n ** 12n;
const LAB = encodeBytes32String('lab-results');
const IMAGING = encodeBytes32String('imaging');
const TREATMENT = encodeBytes32String('treatment');

describe('Consent', () => {
  let chain: Chain;
  let admin: Wallet,
    registrarW: Wallet,
    relayer: Wallet,
    gatekeeper: Wallet,
    anchorer: Wallet,
    stranger: Wallet,
    reader: Wallet;
  let people: Wallet[];
  let registrar: Contract, consent: Contract, asRelayer: Contract, asGatekeeper: Contract;
  let domain: DomainInput;

  beforeAll(async () => {
    chain = await startChain();
    [admin, registrarW, relayer, gatekeeper, anchorer, stranger, reader, ...people] = await fundedWallets(
      chain,
      300,
      60,
    );
    const sys = await deploySystem(admin!, {
      registrar: registrarW!,
      relayer: relayer!,
      gatekeeper: gatekeeper!,
      anchorer: anchorer!,
    });
    registrar = sys.registrar.connect(registrarW!) as Contract;
    consent = sys.consent;
    asRelayer = consent.connect(relayer!) as Contract;
    asGatekeeper = consent.connect(gatekeeper!) as Contract;
    domain = { chainId: chain.chainId, verifyingContract: sys.addresses.Consent };
  });
  afterAll(() => chain.stop());

  let nextPerson = 0;
  async function identity(kind: IdentityKind) {
    const wallet = people[nextPerson++]!;
    const id = randomId();
    await mined(registrar.register(id, kind, randomId(), wallet.address));
    return { id, wallet };
  }
  /**
   * A patient, a provider and `n` record ids. Records live in anchored Merkle batches; the gatekeeper proves a
   * record's patient and category against its batch off-chain, so here the record's patient is just passed in.
   */
  async function aPatientWithRecords(n: number) {
    const patient = await identity(IdentityKind.Patient);
    const provider = await identity(IdentityKind.Provider);
    const records = Array.from({ length: n }, randomId);
    return { patient, provider, records };
  }
  async function request(patientId: string, over: Partial<GrantRequest> = {}): Promise<GrantRequest> {
    const t = BigInt(await now(chain));
    return {
      grantId: randomId(),
      patientId,
      grantee: reader.address,
      recordIds: [],
      categories: [LAB],
      purpose: TREATMENT,
      validFrom: t - 10n,
      validUntil: t + 3600n,
      maxUses: 0,
      nonce: randomNonce(),
      deadline: FAR,
      ...over,
    };
  }
  const sign = (signer: Wallet, r: GrantRequest) => signGrant(signer, domain, r);
  async function issue(signer: Wallet, r: GrantRequest) {
    return mined(asRelayer.grantBySig(grantRequestTuple(r), await sign(signer, r)));
  }

  it('exposes roles, limits and the EIP-712 domain', async () => {
    expect(await consent.RELAYER_ROLE()).toBe(ROLES.RELAYER);
    expect(await consent.GATEKEEPER_ROLE()).toBe(ROLES.GATEKEEPER);
    expect(await consent.hasRole(ROLES.GATEKEEPER, gatekeeper.address)).toBe(true);
    expect(await consent.MAX_BREAK_GLASS_DURATION()).toBe(86400n);
    expect(await consent.MAX_SCOPE_ITEMS()).toBe(64n);
    expect((await consent.eip712Domain()).name).toBe('UHR Consent');
  });

  it('TS typed-data definitions hash to the contract type hashes', async () => {
    for (const [name, constant] of [
      ['Grant', 'GRANT_TYPEHASH'],
      ['Revoke', 'REVOKE_TYPEHASH'],
      ['BreakGlass', 'BREAK_GLASS_TYPEHASH'],
    ] as const) {
      const encoded = TypedDataEncoder.from({ [name]: [...CONSENT_TYPES[name]] }).encodeType(name);
      expect(keccak256(toUtf8Bytes(encoded))).toBe(await consent[constant]());
    }
  });

  it('grantRequestTuple is in struct order, the nonce right before the deadline', async () => {
    const r = await request(randomId());
    const tuple = grantRequestTuple(r);
    expect(tuple.slice(-2)).toEqual([r.nonce, r.deadline]);
    const fn = consent.interface.getFunction('grantBySig')!;
    expect(fn.inputs[0]!.components!.map((c) => c.name)).toEqual(CONSENT_TYPES.Grant.map((f) => f.name));
  });

  describe('grantBySig', () => {
    it('stores the grant, emits GrantIssued, marks the nonce and indexes the grant per patient and grantee', async () => {
      const { patient, records } = await aPatientWithRecords(1);
      const r = await request(patient.id, { recordIds: records, categories: [LAB, IMAGING], maxUses: 3 });
      expect(await consent.nonceUsed(patient.id, r.nonce)).toBe(false);
      const receipt = await issue(patient.wallet, r);
      expect(
        eventsOf(receipt, consent, 'GrantIssued').map((e) =>
          e.map((x) => (Array.isArray(x) || (x && typeof x === 'object') ? [...(x as unknown[])] : x)),
        ),
      ).toEqual([
        [r.grantId, patient.id, reader.address, records, [LAB, IMAGING], TREATMENT, r.validFrom, r.validUntil, 3n],
      ]);
      const g = await consent.grantOf(r.grantId);
      expect([
        g.patientId,
        g.grantee,
        g.validFrom,
        g.validUntil,
        g.maxUses,
        g.uses,
        g.revoked,
        g.emergency,
        g.purpose,
      ]).toEqual([patient.id, reader.address, r.validFrom, r.validUntil, 3n, 0n, false, false, TREATMENT]);
      expect([...(await consent.grantsOf(patient.id))]).toEqual([r.grantId]);
      expect([...(await consent.grantsTo(reader.address))]).toContain(r.grantId);
      expect(await consent.inScope(r.grantId, records[0], ZeroHash)).toBe(true);
      expect(await consent.inScope(r.grantId, randomId(), IMAGING)).toBe(true);
      expect(await consent.inScope(r.grantId, randomId(), TREATMENT)).toBe(false);
      expect(await consent.nonceUsed(patient.id, r.nonce)).toBe(true);
    });

    it('rejects a replay (NonceUsed), wrong signer, tampering, expired deadline, missing role, non-patients', async () => {
      const { patient, provider } = await aPatientWithRecords(0);
      const r = await request(patient.id);
      const sig = await sign(patient.wallet, r);
      await expectRevert(
        asRelayer.grantBySig(grantRequestTuple(r), await sign(provider.wallet, r)),
        'IdentitySignerInvalidSignature',
        [patient.id, provider.wallet.address],
      );
      await expectRevert(
        asRelayer.grantBySig(grantRequestTuple({ ...r, grantee: stranger.address }), sig),
        'IdentitySignerInvalidSignature',
      );
      await expectRevert(
        asRelayer.grantBySig(grantRequestTuple({ ...r, categories: [IMAGING] }), sig),
        'IdentitySignerInvalidSignature',
      );
      await expectRevert(
        asRelayer.grantBySig(grantRequestTuple({ ...r, nonce: BigInt(r.nonce) ^ 1n }), sig),
        'IdentitySignerInvalidSignature',
      );
      await expectRevert(
        (consent.connect(stranger) as Contract).grantBySig(grantRequestTuple(r), sig),
        'AccessControlUnauthorizedAccount',
        [stranger.address, ROLES.RELAYER],
      );
      const past = { ...r, deadline: BigInt(await now(chain)) - 1n };
      await expectRevert(
        asRelayer.grantBySig(grantRequestTuple(past), await sign(patient.wallet, past)),
        'IdentitySignerExpired',
      );
      const byProvider = await request(provider.id);
      await expectRevert(
        asRelayer.grantBySig(grantRequestTuple(byProvider), await sign(provider.wallet, byProvider)),
        'IdentitySignerWrongIdentity',
        [provider.id, 1n],
      );
      // none of the failures spent the nonce
      expect(await consent.nonceUsed(patient.id, r.nonce)).toBe(false);
      await mined(asRelayer.grantBySig(grantRequestTuple(r), sig));
      await expectRevert(asRelayer.grantBySig(grantRequestTuple(r), sig), 'IdentitySignerNonceUsed', [
        patient.id,
        r.nonce,
      ]);
      // the same nonce in another, properly signed request
      const reuse = await request(patient.id, { nonce: r.nonce });
      await expectRevert(
        asRelayer.grantBySig(grantRequestTuple(reuse), await sign(patient.wallet, reuse)),
        'IdentitySignerNonceUsed',
        [patient.id, r.nonce],
      );
      const sameId = { ...r, nonce: randomNonce() };
      await expectRevert(
        asRelayer.grantBySig(grantRequestTuple(sameId), await sign(patient.wallet, sameId)),
        'ConsentGrantExists',
        [r.grantId],
      );
    });

    it('two grants signed at the same moment with different nonces both land, in reverse order', async () => {
      const { patient } = await aPatientWithRecords(0);
      const [a, b] = [await request(patient.id), await request(patient.id)];
      const [sigA, sigB] = await Promise.all([sign(patient.wallet, a), sign(patient.wallet, b)]);
      await mined(asRelayer.grantBySig(grantRequestTuple(b), sigB));
      await mined(asRelayer.grantBySig(grantRequestTuple(a), sigA));
      expect([...(await consent.grantsOf(patient.id))]).toEqual([b.grantId, a.grantId]);
    });

    it('rejects a zero id, zero grantee, bad windows and bad scopes', async () => {
      const { patient } = await aPatientWithRecords(0);
      const t = BigInt(await now(chain));
      const cases: [Partial<GrantRequest>, string][] = [
        [{ grantId: ZeroHash }, 'ConsentGrantExists'],
        [{ grantee: '0x0000000000000000000000000000000000000000' }, 'ConsentInvalidGrantee'],
        [{ validFrom: t + 100n, validUntil: t + 100n }, 'ConsentInvalidWindow'],
        [{ validFrom: t - 100n, validUntil: t - 50n }, 'ConsentInvalidWindow'],
        [{ recordIds: [], categories: [] }, 'ConsentInvalidScope'],
        [
          { recordIds: Array.from({ length: 40 }, randomId), categories: Array.from({ length: 25 }, randomId) },
          'ConsentInvalidScope',
        ],
      ];
      for (const [over, error] of cases) {
        const r = await request(patient.id, over);
        await expectRevert(asRelayer.grantBySig(grantRequestTuple(r), await sign(patient.wallet, r)), error);
      }
    });
  });

  describe('consume and the permission views (the record patient comes from the gatekeeper)', () => {
    it('a one-time grant is consumed exactly once', async () => {
      const { patient, records } = await aPatientWithRecords(1);
      const rec = records[0]!;
      const r = await request(patient.id, { recordIds: records, categories: [], maxUses: 1 });
      await issue(patient.wallet, r);
      expect(await consent.isPermitted(r.grantId, reader.address, patient.id, rec, ZeroHash)).toBe(true);
      expect(await consent.verdict(r.grantId, reader.address, patient.id, rec, ZeroHash)).toBe(
        BigInt(Verdict.Permitted),
      );
      const [ok, found] = await consent.mayRead(reader.address, patient.id, rec, ZeroHash);
      expect(ok).toBe(true);
      expect(found).toBe(r.grantId);
      const receipt = await mined(asGatekeeper.consume(r.grantId, reader.address, patient.id, rec, ZeroHash));
      expect(eventsOf(receipt, consent, 'GrantConsumed')).toEqual([[r.grantId, reader.address, rec, 1n]]);
      await expectRevert(
        asGatekeeper.consume(r.grantId, reader.address, patient.id, rec, ZeroHash),
        'ConsentGrantExhausted',
        [r.grantId],
      );
      expect(await consent.verdict(r.grantId, reader.address, patient.id, rec, ZeroHash)).toBe(
        BigInt(Verdict.Exhausted),
      );
      expect((await consent.grantOf(r.grantId)).uses).toBe(1n);
    });

    it('an unlimited grant counts every use; category scope works', async () => {
      const { patient, records } = await aPatientWithRecords(1);
      const rec = records[0]!;
      const r = await request(patient.id, { categories: [LAB] });
      await issue(patient.wallet, r);
      for (let i = 1n; i <= 3n; i++) {
        const receipt = await mined(asGatekeeper.consume(r.grantId, reader.address, patient.id, rec, LAB));
        expect(eventsOf(receipt, consent, 'GrantConsumed')[0]![3]).toBe(i);
      }
      await expectRevert(
        asGatekeeper.consume(r.grantId, reader.address, patient.id, rec, IMAGING),
        'ConsentOutOfScope',
        [r.grantId, rec, IMAGING],
      );
      expect(await consent.verdict(r.grantId, reader.address, patient.id, rec, IMAGING)).toBe(
        BigInt(Verdict.OutOfScope),
      );
    });

    it("denies the wrong reader, another patient's record, unknown grants, non-gatekeepers", async () => {
      const { patient, provider, records } = await aPatientWithRecords(2);
      const other = await aPatientWithRecords(1);
      const theirs = other.records[0]!;
      // the patient lists another patient's record id: the gatekeeper proves it is theirs, so it is refused
      const r = await request(patient.id, { recordIds: [...records, theirs], categories: [] });
      await issue(patient.wallet, r);
      await expectRevert(
        asGatekeeper.consume(r.grantId, stranger.address, patient.id, records[0], ZeroHash),
        'ConsentNotGrantee',
        [r.grantId, stranger.address],
      );
      expect(await consent.verdict(r.grantId, stranger.address, patient.id, records[0], ZeroHash)).toBe(
        BigInt(Verdict.NotGrantee),
      );
      await expectRevert(
        asGatekeeper.consume(r.grantId, reader.address, other.patient.id, theirs, ZeroHash),
        'ConsentRecordNotOfPatient',
        [r.grantId, theirs],
      );
      expect(await consent.verdict(r.grantId, reader.address, other.patient.id, theirs, ZeroHash)).toBe(
        BigInt(Verdict.RecordNotOfPatient),
      );
      expect(await consent.isPermitted(r.grantId, reader.address, other.patient.id, theirs, ZeroHash)).toBe(false);
      expect((await consent.mayRead(reader.address, other.patient.id, theirs, ZeroHash))[0]).toBe(false);
      await expectRevert(
        asGatekeeper.consume(r.grantId, reader.address, ZeroHash, records[0], ZeroHash),
        'ConsentRecordNotOfPatient',
      );
      await expectRevert(
        asGatekeeper.consume(randomId(), reader.address, patient.id, records[0], ZeroHash),
        'ConsentGrantNotFound',
      );
      expect(await consent.verdict(randomId(), reader.address, patient.id, records[0], ZeroHash)).toBe(
        BigInt(Verdict.GrantNotFound),
      );
      await expectRevert(
        (consent.connect(provider.wallet) as Contract).consume(
          r.grantId,
          reader.address,
          patient.id,
          records[0],
          ZeroHash,
        ),
        'AccessControlUnauthorizedAccount',
        [provider.wallet.address, ROLES.GATEKEEPER],
      );
      expect(await consent.isPermitted(r.grantId, stranger.address, patient.id, records[0], ZeroHash)).toBe(false);
      const [ok] = await consent.mayRead(stranger.address, patient.id, records[0], ZeroHash);
      expect(ok).toBe(false);
      await mined(asGatekeeper.consume(r.grantId, reader.address, patient.id, records[1], ZeroHash));
    });

    it('the checks run in order: revoked before window, window before uses, uses before reader, reader before record', async () => {
      const { patient, records } = await aPatientWithRecords(1);
      const rec = records[0]!;
      const r = await request(patient.id, { recordIds: records, maxUses: 1 });
      await issue(patient.wallet, r);
      await mined(asGatekeeper.consume(r.grantId, reader.address, patient.id, rec, LAB));
      // exhausted wins over wrong reader and wrong patient
      expect(await consent.verdict(r.grantId, stranger.address, randomId(), rec, IMAGING)).toBe(
        BigInt(Verdict.Exhausted),
      );
      const fresh = await request(patient.id, { recordIds: records });
      await issue(patient.wallet, fresh);
      // wrong reader wins over wrong patient, wrong patient over out of scope
      expect(await consent.verdict(fresh.grantId, stranger.address, randomId(), randomId(), IMAGING)).toBe(
        BigInt(Verdict.NotGrantee),
      );
      expect(await consent.verdict(fresh.grantId, reader.address, randomId(), randomId(), IMAGING)).toBe(
        BigInt(Verdict.RecordNotOfPatient),
      );
      await mined((consent.connect(patient.wallet) as Contract).revoke(fresh.grantId));
      expect(await consent.verdict(fresh.grantId, stranger.address, randomId(), randomId(), IMAGING)).toBe(
        BigInt(Verdict.Revoked),
      );
    });

    it('not-yet-valid and expired grants deny', async () => {
      const { patient, records } = await aPatientWithRecords(1);
      const rec = records[0]!;
      const t = BigInt(await now(chain));
      const r = await request(patient.id, { validFrom: t + 1000n, validUntil: t + 2000n });
      await issue(patient.wallet, r);
      expect(await consent.verdict(r.grantId, reader.address, patient.id, rec, LAB)).toBe(BigInt(Verdict.NotYetValid));
      await expectRevert(
        asGatekeeper.consume(r.grantId, reader.address, patient.id, rec, LAB),
        'ConsentGrantNotYetValid',
        [r.grantId],
      );
      await increaseTime(chain, 1100);
      await mined(asGatekeeper.consume(r.grantId, reader.address, patient.id, rec, LAB));
      await increaseTime(chain, 1000);
      expect(await consent.verdict(r.grantId, reader.address, patient.id, rec, LAB)).toBe(BigInt(Verdict.Expired));
      await expectRevert(asGatekeeper.consume(r.grantId, reader.address, patient.id, rec, LAB), 'ConsentGrantExpired', [
        r.grantId,
      ]);
    });
  });

  describe('revocation', () => {
    it('revokeBySig revokes (GrantRevoked) and the grant denies from then on; replay reverts NonceUsed', async () => {
      const { patient, provider, records } = await aPatientWithRecords(1);
      const rec = records[0]!;
      const r = await request(patient.id);
      await issue(patient.wallet, r);
      const m = { grantId: r.grantId, nonce: randomNonce(), deadline: FAR };
      const revoke = (c: Contract, grantId: string, nonce: bigint, deadline: bigint, sig: string) =>
        c.revokeBySig(grantId, nonce, deadline, sig);
      await expectRevert(
        revoke(asRelayer, r.grantId, m.nonce, FAR, await signRevoke(provider.wallet, domain, m)),
        'IdentitySignerInvalidSignature',
        [patient.id, provider.wallet.address],
      );
      await expectRevert(
        revoke(asRelayer, randomId(), m.nonce, FAR, await signRevoke(patient.wallet, domain, m)),
        'ConsentGrantNotFound',
      );
      const past = BigInt(await now(chain)) - 1n;
      await expectRevert(
        revoke(asRelayer, r.grantId, m.nonce, past, await signRevoke(patient.wallet, domain, { ...m, deadline: past })),
        'IdentitySignerExpired',
        [past],
      );
      const sig = await signRevoke(patient.wallet, domain, m);
      await expectRevert(revoke(asRelayer, r.grantId, m.nonce + 1n, FAR, sig), 'IdentitySignerInvalidSignature');
      await expectRevert(
        revoke(consent.connect(stranger) as Contract, r.grantId, m.nonce, FAR, sig),
        'AccessControlUnauthorizedAccount',
        [stranger.address, ROLES.RELAYER],
      );
      const receipt = await mined(revoke(asRelayer, r.grantId, m.nonce, FAR, sig));
      expect(eventsOf(receipt, consent, 'GrantRevoked')).toEqual([[r.grantId, patient.id]]);
      expect(await consent.nonceUsed(patient.id, m.nonce)).toBe(true);
      await expectRevert(revoke(asRelayer, r.grantId, m.nonce, FAR, sig), 'IdentitySignerNonceUsed', [
        patient.id,
        m.nonce,
      ]);
      expect(await consent.isPermitted(r.grantId, reader.address, patient.id, rec, LAB)).toBe(false);
      expect(await consent.verdict(r.grantId, reader.address, patient.id, rec, LAB)).toBe(BigInt(Verdict.Revoked));
      await expectRevert(asGatekeeper.consume(r.grantId, reader.address, patient.id, rec, LAB), 'ConsentGrantRevoked', [
        r.grantId,
      ]);
      const m2 = { ...m, nonce: randomNonce() };
      await expectRevert(
        revoke(asRelayer, r.grantId, m2.nonce, FAR, await signRevoke(patient.wallet, domain, m2)),
        'ConsentGrantRevoked',
        [r.grantId],
      );
    });

    it('revoke directly by the patient account only', async () => {
      const { patient, provider } = await aPatientWithRecords(0);
      const r = await request(patient.id);
      await issue(patient.wallet, r);
      await expectRevert(
        (consent.connect(provider.wallet) as Contract).revoke(r.grantId),
        'IdentitySignerWrongIdentity',
      );
      const otherPatient = await identity(IdentityKind.Patient);
      await expectRevert(
        (consent.connect(otherPatient.wallet) as Contract).revoke(r.grantId),
        'IdentitySignerWrongIdentity',
        [patient.id, 1n],
      );
      await expectRevert((consent.connect(patient.wallet) as Contract).revoke(randomId()), 'ConsentGrantNotFound');
      const receipt = await mined((consent.connect(patient.wallet) as Contract).revoke(r.grantId));
      expect(eventsOf(receipt, consent, 'GrantRevoked')).toEqual([[r.grantId, patient.id]]);
      await expectRevert((consent.connect(patient.wallet) as Contract).revoke(r.grantId), 'ConsentGrantRevoked', [
        r.grantId,
      ]);
    });

    it('property: a revoked grant never permits', async () => {
      const { patient, records } = await aPatientWithRecords(3);
      const grants: string[] = [];
      for (let i = 0; i < 3; i++) {
        const r = await request(patient.id, {
          recordIds: records.slice(0, i + 1),
          categories: [LAB, IMAGING],
          validUntil: FAR,
        });
        await issue(patient.wallet, r);
        await mined((consent.connect(patient.wallet) as Contract).revoke(r.grantId));
        grants.push(r.grantId);
      }
      const readers = [reader.address, stranger.address, randomAddress()];
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...grants),
          fc.constantFrom(...readers),
          fc.constantFrom(patient.id, randomId()),
          fc.constantFrom(...records, randomId()),
          fc.constantFrom(LAB, IMAGING, ZeroHash, randomId()),
          async (grantId, who, recordPatientId, recordId, category) => {
            expect(await consent.isPermitted(grantId, who, recordPatientId, recordId, category)).toBe(false);
            const [ok] = await consent.mayRead(who, recordPatientId, recordId, category);
            expect(ok).toBe(false);
            await expect(
              asGatekeeper.consume.staticCall(grantId, who, recordPatientId, recordId, category),
            ).rejects.toThrow();
          },
        ),
        { numRuns: 25 },
      );
    });
  });

  describe('break-glass', () => {
    it("an active provider opens time-boxed access to all the patient's records; BreakGlassUsed is always emitted", async () => {
      const { patient, provider, records } = await aPatientWithRecords(2);
      const er = await identity(IdentityKind.Provider);
      const reason = encodeBytes32String('unconscious-patient');
      const asEr = consent.connect(er.wallet) as Contract;
      const grantId = await asEr.breakGlass.staticCall(patient.id, reason, 3600);
      const receipt = await mined(asEr.breakGlass(patient.id, reason, 3600));
      const t = BigInt(await now(chain));
      expect(eventsOf(receipt, consent, 'BreakGlassUsed')).toEqual([
        [grantId, patient.id, er.id, er.wallet.address, reason, t + 3600n],
      ]);
      const g = await consent.grantOf(grantId);
      expect(g.emergency).toBe(true);
      for (const rec of records)
        expect(await consent.isPermitted(grantId, er.wallet.address, patient.id, rec, ZeroHash)).toBe(true);
      // all of this patient's records, none of another's
      expect(await consent.verdict(grantId, er.wallet.address, randomId(), records[0], ZeroHash)).toBe(
        BigInt(Verdict.RecordNotOfPatient),
      );
      const use = await mined(asGatekeeper.consume(grantId, er.wallet.address, patient.id, records[0], ZeroHash));
      expect(eventsOf(use, consent, 'GrantConsumed')).toEqual([[grantId, er.wallet.address, records[0], 1n]]);
      expect(await consent.isPermitted(grantId, provider.wallet.address, patient.id, records[0], ZeroHash)).toBe(false);
      await increaseTime(chain, 3601);
      await expectRevert(
        asGatekeeper.consume(grantId, er.wallet.address, patient.id, records[0], ZeroHash),
        'ConsentGrantExpired',
      );
      expect([...(await consent.grantsOf(patient.id))]).toContain(grantId);
    });

    it('rejects non-providers, unknown patients, a zero reason and durations outside (0, 24h]', async () => {
      const { patient, provider } = await aPatientWithRecords(0);
      const asProvider = consent.connect(provider.wallet) as Contract;
      const reason = encodeBytes32String('trauma');
      await expectRevert(
        (consent.connect(patient.wallet) as Contract).breakGlass(patient.id, reason, 60),
        'IdentitySignerWrongIdentity',
      );
      await expectRevert(
        (consent.connect(stranger) as Contract).breakGlass(patient.id, reason, 60),
        'IdentitySignerWrongIdentity',
      );
      await expectRevert(asProvider.breakGlass(randomId(), reason, 60), 'IdentitySignerWrongIdentity');
      await expectRevert(asProvider.breakGlass(patient.id, ZeroHash, 60), 'ConsentMissingReason');
      await expectRevert(asProvider.breakGlass(patient.id, reason, 0), 'ConsentInvalidBreakGlassDuration', [0n]);
      await expectRevert(asProvider.breakGlass(patient.id, reason, 86401), 'ConsentInvalidBreakGlassDuration', [
        86401n,
      ]);
      const receipt = await mined(asProvider.breakGlass(patient.id, reason, 86400));
      expect(eventsOf(receipt, consent, 'BreakGlassUsed')).toHaveLength(1);
    });

    it('breakGlassBySig: relayed with the provider signature; replay (NonceUsed), wrong signer, expiry rejected', async () => {
      const { patient, provider } = await aPatientWithRecords(0);
      const reason = encodeBytes32String('stroke');
      const m = {
        providerId: provider.id,
        patientId: patient.id,
        reasonCode: reason,
        duration: 600n,
        nonce: randomNonce(),
        deadline: FAR,
      };
      const call = (c: Contract, sig: string, nonce = m.nonce, deadline = FAR) =>
        c.breakGlassBySig(provider.id, patient.id, reason, 600, nonce, deadline, sig);
      await expectRevert(
        call(asRelayer, await signBreakGlass(patient.wallet, domain, m)),
        'IdentitySignerInvalidSignature',
        [provider.id, patient.wallet.address],
      );
      const sig = await signBreakGlass(provider.wallet, domain, m);
      await expectRevert(call(consent.connect(stranger) as Contract, sig), 'AccessControlUnauthorizedAccount');
      await expectRevert(call(asRelayer, sig, m.nonce + 1n), 'IdentitySignerInvalidSignature');
      const past = BigInt(await now(chain)) - 1n;
      await expectRevert(
        call(asRelayer, await signBreakGlass(provider.wallet, domain, { ...m, deadline: past }), m.nonce, past),
        'IdentitySignerExpired',
        [past],
      );
      const receipt = await mined(call(asRelayer, sig));
      const [event] = eventsOf(receipt, consent, 'BreakGlassUsed');
      expect(event![2]).toBe(provider.id);
      expect(event![3]).toBe(provider.wallet.address); // the provider, not the relayer, is the grantee
      await expectRevert(call(asRelayer, sig), 'IdentitySignerNonceUsed', [provider.id, m.nonce]);
      expect(await consent.nonceUsed(provider.id, m.nonce)).toBe(true);
    });

    it('two break-glass signatures with different nonces both land, in reverse order', async () => {
      const { patient, provider } = await aPatientWithRecords(0);
      const reason = encodeBytes32String('sepsis');
      const msgs = [randomNonce(), randomNonce()].map((nonce) => ({
        providerId: provider.id,
        patientId: patient.id,
        reasonCode: reason,
        duration: 60n,
        nonce,
        deadline: FAR,
      }));
      const sigs = await Promise.all(msgs.map((m) => signBreakGlass(provider.wallet, domain, m)));
      for (const i of [1, 0]) {
        const receipt = await mined(
          asRelayer.breakGlassBySig(provider.id, patient.id, reason, 60, msgs[i]!.nonce, FAR, sigs[i]!),
        );
        expect(eventsOf(receipt, consent, 'BreakGlassUsed')).toHaveLength(1);
      }
    });
  });
});
