import { chainIdOf } from '@uhr/platform';
import { identityHash } from '../../../src/identities/domain/identity-hash.js';
import {
  decide,
  evolve,
  initialIdentity,
  IdentityRuleViolation,
  type IdentityCommand,
  type IdentityState,
} from '../../../src/identities/domain/identity.js';

const register: IdentityCommand = {
  type: 'RegisterIdentity',
  kind: 'patient',
  identifierSystem: 'national-id',
  identityHash: '0x' + 'a'.repeat(64),
  address: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
  subject: null,
  by: 'registrar-1',
};
const replay = (cmds: IdentityCommand[]): IdentityState =>
  cmds.reduce((s, c) => decide(c, s).reduce(evolve, s), initialIdentity);

describe('Identity aggregate', () => {
  it('registers an active identity', () => {
    const s = replay([register]);
    expect(s).toMatchObject({
      exists: true,
      status: 'active',
      kind: 'patient',
      address: register.type === 'RegisterIdentity' ? register.address : '',
    });
  });

  it('a provider or third party registers with a public name (trimmed); without one, the payload has none', () => {
    const named = { ...register, kind: 'third-party', displayName: '  Central Pharmacy ' } as IdentityCommand;
    expect(decide(named, initialIdentity)[0]!.payload).toEqual({
      kind: 'third-party',
      identifierSystem: 'national-id',
      identityHash: '0x' + 'a'.repeat(64),
      address: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
      subject: null,
      registeredBy: 'registrar-1',
      displayName: 'Central Pharmacy',
    });
    expect(decide(register, initialIdentity)[0]!.payload).not.toHaveProperty('displayName');
    expect(decide({ ...named, displayName: '   ' } as IdentityCommand, initialIdentity)[0]!.payload).not.toHaveProperty(
      'displayName',
    );
  });

  it('refuses a public name for a patient: the directory never lists patients', () => {
    expect(() => decide({ ...register, displayName: 'Alice' } as IdentityCommand, initialIdentity)).toThrow(
      expect.objectContaining({ code: 'PatientsAreNotListed' }),
    );
  });

  it('refuses a second registration of the same id', () => {
    expect(() => decide(register, replay([register]))).toThrow(IdentityRuleViolation);
  });

  it('refuses every change to an identity that does not exist', () => {
    for (const cmd of [
      { type: 'RetireIdentity', reason: 'x', by: 'r' },
      { type: 'RebindIdentity', newAddress: '0x1', reason: 'x', by: 'r' },
    ] as IdentityCommand[]) {
      expect(() => decide(cmd, initialIdentity)).toThrow(expect.objectContaining({ code: 'IdentityNotFound' }));
    }
  });

  it('rebinds to a new address and emits the old one', () => {
    const s = replay([register]);
    const [e] = decide({ type: 'RebindIdentity', newAddress: '0xNEW', reason: 'lost key', by: 'r' }, s);
    expect(e).toMatchObject({
      type: 'registrar.IdentityRebound',
      payload: { oldAddress: register.type === 'RegisterIdentity' ? register.address : '', newAddress: '0xNEW' },
    });
    expect(evolve(s, e!).address).toBe('0xNEW');
  });

  it('refuses a rebind to the same address and an edit that changes nothing', () => {
    const s = replay([register]);
    if (register.type !== 'RegisterIdentity') throw new Error();
    expect(() => decide({ type: 'RebindIdentity', newAddress: register.address, reason: 'x', by: 'r' }, s)).toThrow(
      expect.objectContaining({ code: 'NothingToChange' }),
    );
    expect(() =>
      decide(
        {
          type: 'EditIdentity',
          kind: 'patient',
          identifierSystem: 'national-id',
          identityHash: register.identityHash,
          by: 'r',
        },
        s,
      ),
    ).toThrow(expect.objectContaining({ code: 'NothingToChange' }));
  });

  it('freezes a retired identity', () => {
    const s = replay([register, { type: 'RetireIdentity', reason: 'deceased', by: 'r' }]);
    expect(s.status).toBe('retired');
    expect(() => decide({ type: 'RebindIdentity', newAddress: '0x2', reason: 'x', by: 'r' }, s)).toThrow(
      expect.objectContaining({ code: 'IdentityRetired' }),
    );
  });
});

describe('identity hashing', () => {
  it('is keyed, normalised and separates identifier systems', () => {
    const a = identityHash('pepper-one-0123456', 'national-id', 'ab 123-456');
    expect(a).toBe(identityHash('pepper-one-0123456', 'national-id', 'AB123456'));
    expect(a).not.toBe(identityHash('pepper-two-0123456', 'national-id', 'AB123456'));
    expect(a).not.toBe(identityHash('pepper-one-0123456', 'medical-licence', 'AB123456'));
    expect(a).toMatch(/^0x[0-9a-f]{64}$/);
  });

  it('maps a uuid to a bytes32 key and rejects anything else', () => {
    expect(chainIdOf('86340465-4bd8-43cf-8f7a-ffec2de744f1')).toBe(
      '0x' + '0'.repeat(32) + '863404654bd843cf8f7affec2de744f1',
    );
    expect(() => chainIdOf('not-a-uuid')).toThrow();
  });
});
