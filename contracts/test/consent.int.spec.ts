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
  let registrar: Contract, rel: Contract, consent: Contract, asRelayer: Contract, asGatekeeper: Contract;
  let domain: DomainInput;

  beforeAll(async () => {
    chain = await startChain();
    [admin, registrarW, relayer, gatekeeper, anchorer, stranger, reader, ...people] = await fundedWallets(
      chain,
      300,
      40,
    );
    const sys = await deploySystem(admin!, {
      registrar: registrarW!,
      relayer: relayer!,
      gatekeeper: gatekeeper!,
      anchorer: anchorer!,
    });
    registrar = sys.registrar.connect(registrarW!) as Contract;
    rel = sys.relationships;
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
  /** A patient with `n` records added by one provider (pending unless accepted). */
  async function aPatientWithRecords(n: number) {
    const patient = await identity(IdentityKind.Patient);
    const provider = await identity(IdentityKind.Provider);
    const records: string[] = [];
    for (let i = 0; i < n; i++) {
      const r = randomId();
      await mined((rel.connect(provider.wallet) as Contract).addRecord(patient.id, r, randomId(), randomId()));
      records.push(r);
    }
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
      deadline: FAR,
      ...over,
    };
  }
  async function sign(signer: Wallet, r: GrantRequest, nonceOverride?: bigint) {
    const nonce = nonceOverride ?? ((await consent.nonces(r.patientId)) as bigint);
    return signGrant(signer, domain, { ...r, nonce });
  }
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

  describe('grantBySig', () => {
    it('stores the grant, emits GrantIssued and indexes it per patient and grantee', async () => {
      const { patient, records } = await aPatientWithRecords(1);
      const r = await request(patient.id, { recordIds: records, categories: [LAB, IMAGING], maxUses: 3 });
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
      expect(await consent.nonces(patient.id)).toBe(1n);
    });

    it('rejects replay, wrong signer, tampering, expired deadline, missing role, non-patients', async () => {
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
      await mined(asRelayer.grantBySig(grantRequestTuple(r), sig));
      await expectRevert(asRelayer.grantBySig(grantRequestTuple(r), sig), 'IdentitySignerInvalidSignature'); // replay
      const sameId = { ...r, deadline: FAR - 1n };
      await expectRevert(
        asRelayer.grantBySig(grantRequestTuple(sameId), await sign(patient.wallet, sameId)),
        'ConsentGrantExists',
        [r.grantId],
      );
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

  describe('consume and the permission views', () => {
    it('a one-time grant is consumed exactly once', async () => {
      const { patient, records } = await aPatientWithRecords(1);
      const r = await request(patient.id, { recordIds: records, categories: [], maxUses: 1 });
      await issue(patient.wallet, r);
      expect(await consent.isPermitted(r.grantId, reader.address, records[0], ZeroHash)).toBe(true);
      const [ok, found] = await consent.mayRead(reader.address, records[0], ZeroHash);
      expect(ok).toBe(true);
      expect(found).toBe(r.grantId);
      const receipt = await mined(asGatekeeper.consume(r.grantId, reader.address, records[0], ZeroHash));
      expect(eventsOf(receipt, consent, 'GrantConsumed')).toEqual([[r.grantId, reader.address, records[0], 1n]]);
      await expectRevert(
        asGatekeeper.consume(r.grantId, reader.address, records[0], ZeroHash),
        'ConsentGrantExhausted',
        [r.grantId],
      );
      expect(await consent.verdict(r.grantId, reader.address, records[0], ZeroHash)).toBe(BigInt(Verdict.Exhausted));
      expect((await consent.grantOf(r.grantId)).uses).toBe(1n);
    });

    it('an unlimited grant counts every use; category scope works', async () => {
      const { patient, records } = await aPatientWithRecords(1);
      const r = await request(patient.id, { categories: [LAB] });
      await issue(patient.wallet, r);
      for (let i = 1n; i <= 3n; i++) {
        const receipt = await mined(asGatekeeper.consume(r.grantId, reader.address, records[0], LAB));
        expect(eventsOf(receipt, consent, 'GrantConsumed')[0]![3]).toBe(i);
      }
      await expectRevert(asGatekeeper.consume(r.grantId, reader.address, records[0], IMAGING), 'ConsentOutOfScope', [
        r.grantId,
        records[0],
        IMAGING,
      ]);
    });

    it("denies the wrong reader, another patient's record, a rejected record, unknown grants, non-gatekeepers", async () => {
      const { patient, provider, records } = await aPatientWithRecords(2);
      const other = await aPatientWithRecords(1);
      const r = await request(patient.id, { recordIds: [...records, other.records[0]!], categories: [] });
      await issue(patient.wallet, r);
      await expectRevert(asGatekeeper.consume(r.grantId, stranger.address, records[0], ZeroHash), 'ConsentNotGrantee', [
        r.grantId,
        stranger.address,
      ]);
      await expectRevert(
        asGatekeeper.consume(r.grantId, reader.address, other.records[0], ZeroHash),
        'ConsentRecordNotOfPatient',
        [r.grantId, other.records[0]],
      );
      await expectRevert(
        asGatekeeper.consume(r.grantId, reader.address, randomId(), ZeroHash),
        'ConsentRecordNotOfPatient',
      );
      await mined((rel.connect(patient.wallet) as Contract).respond(records[1], false));
      await expectRevert(
        asGatekeeper.consume(r.grantId, reader.address, records[1], ZeroHash),
        'ConsentRecordNotOfPatient',
      );
      await expectRevert(
        asGatekeeper.consume(randomId(), reader.address, records[0], ZeroHash),
        'ConsentGrantNotFound',
      );
      await expectRevert(
        (consent.connect(provider.wallet) as Contract).consume(r.grantId, reader.address, records[0], ZeroHash),
        'AccessControlUnauthorizedAccount',
        [provider.wallet.address, ROLES.GATEKEEPER],
      );
      expect(await consent.isPermitted(r.grantId, stranger.address, records[0], ZeroHash)).toBe(false);
      const [ok] = await consent.mayRead(stranger.address, records[0], ZeroHash);
      expect(ok).toBe(false);
    });

    it('not-yet-valid and expired grants deny', async () => {
      const { patient, records } = await aPatientWithRecords(1);
      const t = BigInt(await now(chain));
      const r = await request(patient.id, { validFrom: t + 1000n, validUntil: t + 2000n });
      await issue(patient.wallet, r);
      await expectRevert(asGatekeeper.consume(r.grantId, reader.address, records[0], LAB), 'ConsentGrantNotYetValid', [
        r.grantId,
      ]);
      await increaseTime(chain, 1100);
      await mined(asGatekeeper.consume(r.grantId, reader.address, records[0], LAB));
      await increaseTime(chain, 1000);
      expect(await consent.verdict(r.grantId, reader.address, records[0], LAB)).toBe(BigInt(Verdict.Expired));
      await expectRevert(asGatekeeper.consume(r.grantId, reader.address, records[0], LAB), 'ConsentGrantExpired', [
        r.grantId,
      ]);
    });
  });

  describe('revocation', () => {
    it('revokeBySig revokes (GrantRevoked) and the grant denies from then on', async () => {
      const { patient, provider, records } = await aPatientWithRecords(1);
      const r = await request(patient.id);
      await issue(patient.wallet, r);
      const m = { grantId: r.grantId, nonce: (await consent.nonces(patient.id)) as bigint, deadline: FAR };
      await expectRevert(
        asRelayer.revokeBySig(r.grantId, FAR, await signRevoke(provider.wallet, domain, m)),
        'IdentitySignerInvalidSignature',
      );
      await expectRevert(
        asRelayer.revokeBySig(randomId(), FAR, await signRevoke(patient.wallet, domain, m)),
        'ConsentGrantNotFound',
      );
      const past = BigInt(await now(chain)) - 1n;
      await expectRevert(
        asRelayer.revokeBySig(r.grantId, past, await signRevoke(patient.wallet, domain, { ...m, deadline: past })),
        'IdentitySignerExpired',
      );
      const sig = await signRevoke(patient.wallet, domain, m);
      await expectRevert(
        (consent.connect(stranger) as Contract).revokeBySig(r.grantId, FAR, sig),
        'AccessControlUnauthorizedAccount',
      );
      const receipt = await mined(asRelayer.revokeBySig(r.grantId, FAR, sig));
      expect(eventsOf(receipt, consent, 'GrantRevoked')).toEqual([[r.grantId, patient.id]]);
      await expectRevert(asRelayer.revokeBySig(r.grantId, FAR, sig), 'IdentitySignerInvalidSignature'); // replay
      expect(await consent.isPermitted(r.grantId, reader.address, records[0], LAB)).toBe(false);
      await expectRevert(asGatekeeper.consume(r.grantId, reader.address, records[0], LAB), 'ConsentGrantRevoked', [
        r.grantId,
      ]);
      const m2 = { ...m, nonce: (await consent.nonces(patient.id)) as bigint };
      await expectRevert(
        asRelayer.revokeBySig(r.grantId, FAR, await signRevoke(patient.wallet, domain, m2)),
        'ConsentGrantRevoked',
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
      await expectRevert((consent.connect(patient.wallet) as Contract).revoke(randomId()), 'ConsentGrantNotFound');
      const receipt = await mined((consent.connect(patient.wallet) as Contract).revoke(r.grantId));
      expect(eventsOf(receipt, consent, 'GrantRevoked')).toHaveLength(1);
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
          fc.constantFrom(...records, randomId()),
          fc.constantFrom(LAB, IMAGING, ZeroHash, randomId()),
          async (grantId, who, recordId, category) => {
            expect(await consent.isPermitted(grantId, who, recordId, category)).toBe(false);
            const [ok] = await consent.mayRead(who, recordId, category);
            expect(ok).toBe(false);
            await expect(asGatekeeper.consume.staticCall(grantId, who, recordId, category)).rejects.toThrow();
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
        expect(await consent.isPermitted(grantId, er.wallet.address, rec, ZeroHash)).toBe(true);
      const use = await mined(asGatekeeper.consume(grantId, er.wallet.address, records[0], ZeroHash));
      expect(eventsOf(use, consent, 'GrantConsumed')).toHaveLength(1);
      expect(await consent.isPermitted(grantId, provider.wallet.address, records[0], ZeroHash)).toBe(false);
      await increaseTime(chain, 3601);
      await expectRevert(asGatekeeper.consume(grantId, er.wallet.address, records[0], ZeroHash), 'ConsentGrantExpired');
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

    it('breakGlassBySig: relayed with the provider signature, replay and wrong signer rejected', async () => {
      const { patient, provider } = await aPatientWithRecords(0);
      const reason = encodeBytes32String('stroke');
      const m = {
        providerId: provider.id,
        patientId: patient.id,
        reasonCode: reason,
        duration: 600n,
        nonce: (await consent.nonces(provider.id)) as bigint,
        deadline: FAR,
      };
      const call = (c: Contract, sig: string) => c.breakGlassBySig(provider.id, patient.id, reason, 600, FAR, sig);
      await expectRevert(
        call(asRelayer, await signBreakGlass(patient.wallet, domain, m)),
        'IdentitySignerInvalidSignature',
      );
      const sig = await signBreakGlass(provider.wallet, domain, m);
      await expectRevert(call(consent.connect(stranger) as Contract, sig), 'AccessControlUnauthorizedAccount');
      const past = BigInt(await now(chain)) - 1n;
      await expectRevert(
        asRelayer.breakGlassBySig(
          provider.id,
          patient.id,
          reason,
          600,
          past,
          await signBreakGlass(provider.wallet, domain, { ...m, deadline: past }),
        ),
        'IdentitySignerExpired',
      );
      const receipt = await mined(call(asRelayer, sig));
      const [event] = eventsOf(receipt, consent, 'BreakGlassUsed');
      expect(event![2]).toBe(provider.id);
      expect(event![3]).toBe(provider.wallet.address); // the provider, not the relayer, is the grantee
      await expectRevert(call(asRelayer, sig), 'IdentitySignerInvalidSignature');
    });
  });
});
