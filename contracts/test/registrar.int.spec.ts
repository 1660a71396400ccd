import fc from 'fast-check';
import { type Contract, type Wallet, ZeroAddress, ZeroHash } from 'ethers';
import { IdentityKind, IdentityStatus, ROLES } from '../ts/index.js';
import {
  type Chain,
  deploySystem,
  eventsOf,
  expectRevert,
  fundedWallets,
  mined,
  randomAddress,
  randomId,
  startChain,
} from './support/harness.js';

describe('Registrar', () => {
  let chain: Chain;
  let admin: Wallet, registrarW: Wallet, stranger: Wallet, relayer: Wallet, gatekeeper: Wallet, anchorer: Wallet;
  let accounts: Wallet[];
  let registrar: Contract; // connected as the REGISTRAR_ROLE holder
  let asStranger: Contract;

  beforeAll(async () => {
    chain = await startChain();
    [admin, registrarW, stranger, relayer, gatekeeper, anchorer, ...accounts] = await fundedWallets(chain, 100, 12);
    const sys = await deploySystem(admin!, {
      registrar: registrarW!,
      relayer: relayer!,
      gatekeeper: gatekeeper!,
      anchorer: anchorer!,
    });
    registrar = sys.registrar.connect(registrarW!) as Contract;
    asStranger = sys.registrar.connect(stranger!) as Contract;
  });
  afterAll(() => chain.stop());

  let next = 0;
  const freshAccount = () => accounts[next++ % accounts.length]!.address;

  it('exposes the role constant, the default admin and the role holder', async () => {
    expect(await registrar.REGISTRAR_ROLE()).toBe(ROLES.REGISTRAR);
    expect(await registrar.defaultAdmin()).toBe(admin.address);
    expect(await registrar.hasRole(ROLES.REGISTRAR, registrarW.address)).toBe(true);
    expect(await registrar.hasRole(ROLES.REGISTRAR, stranger.address)).toBe(false);
  });

  it('registers an identity, emits IdentityRegistered and answers every view', async () => {
    const id = randomId(),
      hash = randomId(),
      account = randomAddress();
    const receipt = await mined(registrar.register(id, IdentityKind.Patient, hash, account));
    expect(eventsOf(receipt, registrar, 'IdentityRegistered')).toEqual([
      [id, BigInt(IdentityKind.Patient), hash, account],
    ]);
    expect([...(await registrar.identityOf(id))]).toEqual([
      BigInt(IdentityKind.Patient),
      BigInt(IdentityStatus.Active),
      hash,
      account,
    ]);
    expect(await registrar.idOf(account)).toBe(id);
    expect(await registrar.isActive(account)).toBe(true);
    expect(await registrar.kindOf(account)).toBe(BigInt(IdentityKind.Patient));
    expect([...(await registrar.activeAccountOf(id))]).toEqual([account, BigInt(IdentityKind.Patient)]);
  });

  it('answers empty views for unknown ids and accounts', async () => {
    const unknown = randomAddress();
    expect(await registrar.idOf(unknown)).toBe(ZeroHash);
    expect(await registrar.isActive(unknown)).toBe(false);
    expect(await registrar.kindOf(unknown)).toBe(0n);
    expect([...(await registrar.identityOf(randomId()))]).toEqual([0n, 0n, ZeroHash, ZeroAddress]);
    expect([...(await registrar.activeAccountOf(randomId()))]).toEqual([ZeroAddress, 0n]);
  });

  describe('register reverts', () => {
    it('on a zero id, kind None, zero hash, zero account', async () => {
      await expectRevert(registrar.register(ZeroHash, 1, randomId(), randomAddress()), 'RegistrarZeroId');
      await expectRevert(registrar.register(randomId(), 0, randomId(), randomAddress()), 'RegistrarInvalidKind');
      await expectRevert(registrar.register(randomId(), 1, ZeroHash, randomAddress()), 'RegistrarZeroIdentityHash');
      await expectRevert(registrar.register(randomId(), 1, randomId(), ZeroAddress), 'RegistrarZeroAccount');
    });
    it('on a duplicate id, a hash in use, an account already bound', async () => {
      const id = randomId(),
        hash = randomId(),
        account = freshAccount();
      await mined(registrar.register(id, 2, hash, account));
      await expectRevert(registrar.register(id, 2, randomId(), randomAddress()), 'RegistrarIdentityExists', [id]);
      await expectRevert(registrar.register(randomId(), 2, hash, randomAddress()), 'RegistrarIdentityHashInUse', [
        hash,
        id,
      ]);
      await expectRevert(registrar.register(randomId(), 2, randomId(), account), 'RegistrarAccountBound', [
        account,
        id,
      ]);
    });
    it('for a caller without REGISTRAR_ROLE', async () => {
      await expectRevert(
        asStranger.register(randomId(), 1, randomId(), randomAddress()),
        'AccessControlUnauthorizedAccount',
        [stranger.address, ROLES.REGISTRAR],
      );
    });
  });

  describe('edit', () => {
    it('changes kind and hash, emits IdentityEdited and releases the old hash', async () => {
      const id = randomId(),
        oldHash = randomId(),
        newHash = randomId(),
        account = randomAddress();
      await mined(registrar.register(id, 1, oldHash, account));
      const receipt = await mined(registrar.edit(id, IdentityKind.ThirdParty, newHash));
      expect(eventsOf(receipt, registrar, 'IdentityEdited')).toEqual([[id, 3n, newHash]]);
      expect(await registrar.kindOf(account)).toBe(3n);
      await mined(registrar.register(randomId(), 1, oldHash, randomAddress())); // old hash is free again
      await mined(registrar.edit(id, IdentityKind.Provider, newHash)); // same hash: kind only
      expect(await registrar.kindOf(account)).toBe(2n);
    });
    it('reverts for unknown, retired, kind None, zero hash, hash in use, missing role', async () => {
      const id = randomId(),
        other = randomId(),
        otherHash = randomId();
      await mined(registrar.register(id, 1, randomId(), randomAddress()));
      await mined(registrar.register(other, 1, otherHash, randomAddress()));
      await expectRevert(registrar.edit(randomId(), 1, randomId()), 'RegistrarIdentityNotFound');
      await expectRevert(registrar.edit(id, 0, randomId()), 'RegistrarInvalidKind');
      await expectRevert(registrar.edit(id, 1, ZeroHash), 'RegistrarZeroIdentityHash');
      await expectRevert(registrar.edit(id, 1, otherHash), 'RegistrarIdentityHashInUse', [otherHash, other]);
      await expectRevert(asStranger.edit(id, 1, randomId()), 'AccessControlUnauthorizedAccount');
      await mined(registrar.retire(id));
      await expectRevert(registrar.edit(id, 1, randomId()), 'RegistrarIdentityRetired', [id]);
    });
  });

  describe('retire', () => {
    it('emits IdentityRetired, frees the account and hash, and never reuses the id', async () => {
      const id = randomId(),
        hash = randomId(),
        account = freshAccount();
      await mined(registrar.register(id, 1, hash, account));
      const receipt = await mined(registrar.retire(id));
      expect(eventsOf(receipt, registrar, 'IdentityRetired')).toEqual([[id, account]]);
      expect(await registrar.isActive(account)).toBe(false);
      expect(await registrar.idOf(account)).toBe(ZeroHash);
      expect(await registrar.kindOf(account)).toBe(0n);
      expect((await registrar.identityOf(id))[1]).toBe(BigInt(IdentityStatus.Retired));
      expect([...(await registrar.activeAccountOf(id))]).toEqual([ZeroAddress, 0n]);
      const again = randomId();
      await mined(registrar.register(again, 1, hash, account)); // account + hash reusable by a new id
      await expectRevert(registrar.register(id, 1, randomId(), randomAddress()), 'RegistrarIdentityExists', [id]);
    });
    it('reverts for unknown, retired, missing role', async () => {
      const id = randomId();
      await mined(registrar.register(id, 1, randomId(), randomAddress()));
      await expectRevert(asStranger.retire(id), 'AccessControlUnauthorizedAccount');
      await expectRevert(registrar.retire(randomId()), 'RegistrarIdentityNotFound');
      await mined(registrar.retire(id));
      await expectRevert(registrar.retire(id), 'RegistrarIdentityRetired', [id]);
    });
  });

  describe('rebind', () => {
    it('moves the identity to a new account and emits IdentityRebound', async () => {
      const id = randomId(),
        oldAccount = randomAddress(),
        newAccount = randomAddress();
      await mined(registrar.register(id, 2, randomId(), oldAccount));
      const receipt = await mined(registrar.rebind(id, newAccount));
      expect(eventsOf(receipt, registrar, 'IdentityRebound')).toEqual([[id, oldAccount, newAccount]]);
      expect(await registrar.idOf(newAccount)).toBe(id);
      expect(await registrar.isActive(oldAccount)).toBe(false);
      expect((await registrar.identityOf(id))[3]).toBe(newAccount);
    });
    it('reverts for zero account, bound account, unknown, retired, missing role', async () => {
      const id = randomId(),
        other = randomId(),
        otherAccount = randomAddress();
      await mined(registrar.register(id, 2, randomId(), randomAddress()));
      await mined(registrar.register(other, 2, randomId(), otherAccount));
      await expectRevert(registrar.rebind(id, ZeroAddress), 'RegistrarZeroAccount');
      await expectRevert(registrar.rebind(id, otherAccount), 'RegistrarAccountBound', [otherAccount, other]);
      await expectRevert(registrar.rebind(randomId(), randomAddress()), 'RegistrarIdentityNotFound');
      await expectRevert(asStranger.rebind(id, randomAddress()), 'AccessControlUnauthorizedAccount');
      await mined(registrar.retire(id));
      await expectRevert(registrar.rebind(id, randomAddress()), 'RegistrarIdentityRetired', [id]);
    });
  });

  it('property: only REGISTRAR_ROLE holders change identities', async () => {
    const op = fc.record({
      byRegistrar: fc.boolean(),
      kind: fc.constantFrom('register', 'edit', 'retire', 'rebind'),
      target: fc.nat(3),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 4 }), async (ops) => {
        const ids = [randomId(), randomId(), randomId(), randomId()];
        for (const { byRegistrar, kind, target } of ops) {
          const c = byRegistrar ? registrar : asStranger;
          const id = ids[target]!;
          const before = [...(await registrar.identityOf(id))];
          const call =
            kind === 'register'
              ? c.register(id, 1, randomId(), randomAddress())
              : kind === 'edit'
                ? c.edit(id, 2, randomId())
                : kind === 'retire'
                  ? c.retire(id)
                  : c.rebind(id, randomAddress());
          let ok = true;
          try {
            await mined(call);
          } catch {
            ok = false;
          }
          const after = [...(await registrar.identityOf(id))];
          if (!byRegistrar) {
            expect(ok).toBe(false);
            expect(after).toEqual(before);
          }
        }
      }),
      { numRuns: 25 },
    );
  });
});
