import { type Contract, type Wallet, id } from 'ethers';
import {
  CustodyStage,
  IdentityKind,
  ORGAN_CUSTODY_TYPES,
  ROLES,
  handOffTuple,
  organCustodyAt,
  organCustodyDomain,
  randomNonce,
  signHandOff,
  type DomainInput,
  type HandOffMessage,
} from '../ts/index.js';
import {
  type Chain,
  deploySystem,
  eventsOf,
  expectRevert,
  fundedWallets,
  mined,
  now,
  randomId,
  startChain,
} from './support/harness.js';

const FAR = 10n ** 12n;

describe('OrganCustody', () => {
  let chain: Chain;
  let admin: Wallet, registrarW: Wallet, relayer: Wallet, stranger: Wallet;
  let parties: Wallet[];
  let custody: Contract, asRelayer: Contract;
  let domain: DomainInput;
  // Registrar identities: OPO (procures), lab (labels), courier (third party), centre, surgeon, nurse; a patient.
  const ids = ['opo', 'lab', 'courier', 'centre', 'surgeon', 'nurse', 'patient'].map((n) => id(`custody.${n}`));
  const [OPO, LAB, COURIER, CENTRE, SURGEON, NURSE, PATIENT] = ids as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const key: Record<string, Wallet> = {};

  beforeAll(async () => {
    chain = await startChain();
    [admin, registrarW, relayer, stranger, ...parties] = await fundedWallets(chain, 500, 11);
    const sys = await deploySystem(admin, { registrar: registrarW, relayer, gatekeeper: relayer, anchorer: relayer });
    custody = organCustodyAt(sys.addresses.OrganCustody!, admin);
    await mined(custody.getFunction('grantRole')(ROLES.RELAYER, relayer.address));
    asRelayer = custody.connect(relayer) as Contract;
    domain = { chainId: chain.chainId, verifyingContract: sys.addresses.OrganCustody! };
    const kinds = [2, 2, 3, 2, 2, 2, 1];
    const asRegistrar = sys.registrar.connect(registrarW) as Contract;
    for (const [i, identity] of ids.entries()) {
      key[identity] = parties[i]!;
      await mined(asRegistrar.getFunction('register')(identity, kinds[i], id(`doc.${i}`), parties[i]!.address));
    }
  });

  afterAll(async () => {
    await chain.stop();
  });

  async function registered(): Promise<string> {
    const organId = randomId();
    await mined(asRelayer.getFunction('registerOrgan')(organId, id('donor'), OPO, id('organ data')));
    return organId;
  }

  const message = (
    organId: string,
    seq: number,
    stage: CustodyStage,
    fromId: string,
    toId: string,
    discrepancy = false,
  ) =>
    ({
      organId,
      seq,
      stage,
      fromId,
      toId,
      detailsHash: id(`details.${seq}`),
      discrepancy,
      nonce: randomNonce(),
      deadline: FAR,
    }) satisfies HandOffMessage;

  async function signedBy(h: HandOffMessage, from: Wallet | null = key[h.fromId]!, to: Wallet | null = key[h.toId]!) {
    return [
      handOffTuple(h),
      from ? await signHandOff(from, domain, h) : '0x',
      to ? await signHandOff(to, domain, h) : '0x',
    ] as const;
  }

  const send = async (h: HandOffMessage, from?: Wallet | null, to?: Wallet | null) =>
    asRelayer.getFunction('handOff')(...(await signedBy(h, from, to)));

  it('records the whole chain, one co-signed hand-off per transaction, each as an event', async () => {
    const organId = await registered();
    const chainOf: [CustodyStage, string, string][] = [
      [CustodyStage.Labelled, OPO, LAB],
      [CustodyStage.InTransit, LAB, COURIER],
      [CustodyStage.CheckedIn, COURIER, CENTRE],
      [CustodyStage.Verified, CENTRE, SURGEON],
      [CustodyStage.Transplanted, SURGEON, NURSE],
    ];
    for (const [seq, [stage, from, to]] of chainOf.entries()) {
      const receipt = await mined(send(message(organId, seq, stage, from, to)));
      expect(eventsOf(receipt, custody, 'CustodyHandedOff')).toEqual([
        [organId, BigInt(seq), BigInt(stage), from, to, id(`details.${seq}`)],
      ]);
    }
    expect([...(await custody.getFunction('custodyOf')(organId))]).toEqual([
      id('donor'),
      NURSE,
      5n,
      BigInt(CustodyStage.Transplanted),
      false,
    ]);
    await expectRevert(send(message(organId, 5, CustodyStage.Transplanted, NURSE, SURGEON)), 'OrganCustodyWrongStage');
  });

  it('a missing signature is a custody gap naming the party', async () => {
    const organId = await registered();
    const h = message(organId, 0, CustodyStage.Labelled, OPO, LAB);
    await expectRevert(send(h, null), 'OrganCustodyMissingSignature', [organId, OPO]);
    await expectRevert(send(h, undefined, null), 'OrganCustodyMissingSignature', [organId, LAB]);
  });

  it('refuses a hand-off signed by the wrong key, or with a field changed after signing', async () => {
    const organId = await registered();
    const h = message(organId, 0, CustodyStage.Labelled, OPO, LAB);
    await expectRevert(send(h, undefined, stranger), 'IdentitySignerInvalidSignature', [LAB, stranger.address]);
    const [tuple, fromSig, toSig] = await signedBy(h);
    const tampered = [...tuple] as unknown[];
    tampered[5] = id('other details');
    await expectRevert(asRelayer.getFunction('handOff')(tampered, fromSig, toSig), 'IdentitySignerInvalidSignature');
  });

  it('keeps the order: next sequence, next stage, released by the holder, to someone else', async () => {
    const organId = await registered();
    await expectRevert(send(message(organId, 1, CustodyStage.Labelled, OPO, LAB)), 'OrganCustodyOutOfOrder', [
      organId,
      0,
      1,
    ]);
    await expectRevert(send(message(organId, 0, CustodyStage.InTransit, OPO, LAB)), 'OrganCustodyWrongStage', [
      organId,
      CustodyStage.Labelled,
      CustodyStage.InTransit,
    ]);
    await expectRevert(send(message(organId, 0, CustodyStage.Labelled, LAB, COURIER)), 'OrganCustodyNotCustodian', [
      organId,
      OPO,
      LAB,
    ]);
    await expectRevert(send(message(organId, 0, CustodyStage.Labelled, OPO, OPO)), 'OrganCustodySameParty', [OPO]);
    await expectRevert(send(message(organId, 0, CustodyStage.Labelled, OPO, PATIENT)), 'IdentitySignerWrongIdentity');
  });

  it('a discrepancy at check-in blocks the organ until two different clinicians reconcile it', async () => {
    const organId = await registered();
    await mined(send(message(organId, 0, CustodyStage.Labelled, OPO, LAB)));
    await expectRevert(
      send(message(organId, 1, CustodyStage.InTransit, LAB, COURIER, true)),
      'OrganCustodyDiscrepancyOutsideCheckIn',
    );
    await mined(send(message(organId, 1, CustodyStage.InTransit, LAB, COURIER)));
    const blocked = await mined(send(message(organId, 2, CustodyStage.CheckedIn, COURIER, CENTRE, true)));
    expect(eventsOf(blocked, custody, 'OrganBlocked')).toEqual([[organId, CENTRE, id('details.2')]]);
    await expectRevert(send(message(organId, 3, CustodyStage.Verified, CENTRE, SURGEON)), 'OrganCustodyBlocked', [
      organId,
    ]);

    const r = {
      organId,
      clinicianA: SURGEON,
      clinicianB: NURSE,
      resolutionHash: id('left kidney confirmed'),
      nonce: randomNonce(),
      deadline: FAR,
    };
    const types = { Reconciliation: [...ORGAN_CUSTODY_TYPES.Reconciliation] };
    const sign = (w: Wallet, msg: typeof r) => w.signTypedData(organCustodyDomain(domain), types, msg);
    const tuple = (m: typeof r) => [m.organId, m.clinicianA, m.clinicianB, m.resolutionHash, m.nonce, m.deadline];
    const same = { ...r, clinicianB: SURGEON };
    await expectRevert(
      asRelayer.getFunction('reconcile')(tuple(same), await sign(key[SURGEON]!, same), await sign(key[SURGEON]!, same)),
      'OrganCustodySameParty',
      [SURGEON],
    );
    await expectRevert(
      asRelayer.getFunction('reconcile')(tuple(r), await sign(key[SURGEON]!, r), '0x'),
      'OrganCustodyMissingSignature',
      [organId, NURSE],
    );
    const done = await mined(
      asRelayer.getFunction('reconcile')(tuple(r), await sign(key[SURGEON]!, r), await sign(key[NURSE]!, r)),
    );
    expect(eventsOf(done, custody, 'OrganReconciled')).toEqual([
      [organId, SURGEON, NURSE, id('left kidney confirmed')],
    ]);
    await mined(send(message(organId, 3, CustodyStage.Verified, CENTRE, SURGEON)));
    await expectRevert(asRelayer.getFunction('reconcile')(tuple(r), '0x01', '0x01'), 'OrganCustodyNotBlocked', [
      organId,
    ]);
  });

  it('only the relayer writes; organs are registered once; unknown organs are named', async () => {
    const organId = await registered();
    await expectRevert(
      (custody.connect(stranger) as Contract).getFunction('registerOrgan')(randomId(), id('d'), OPO, id('x')),
      'AccessControlUnauthorizedAccount',
    );
    await expectRevert(
      asRelayer.getFunction('registerOrgan')(organId, id('d'), OPO, id('x')),
      'OrganCustodyOrganExists',
      [organId],
    );
    await expectRevert(
      asRelayer.getFunction('registerOrgan')(randomId(), id('d'), PATIENT, id('x')),
      'IdentitySignerWrongIdentity',
    );
    const unknown = randomId();
    await expectRevert(custody.getFunction('custodyOf')(unknown), 'OrganCustodyUnknownOrgan', [unknown]);
  });

  it('an expired hand-off and a reused nonce are refused', async () => {
    const organId = await registered();
    const past = { ...message(organId, 0, CustodyStage.Labelled, OPO, LAB), deadline: BigInt(await now(chain)) - 1n };
    await expectRevert(send(past), 'IdentitySignerExpired');
    const h = message(organId, 0, CustodyStage.Labelled, OPO, LAB);
    await mined(send(h));
    // The same nonce on the next hand-off by OPO's counterparty LAB: its bitmap already holds it.
    const reuse = { ...message(organId, 1, CustodyStage.InTransit, LAB, COURIER), nonce: h.nonce };
    await expectRevert(send(reuse), 'IdentitySignerNonceUsed', [LAB, h.nonce]);
  });
});
