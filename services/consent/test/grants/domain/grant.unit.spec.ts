import { describe, expect, it } from '@jest/globals';
import {
  decide,
  evolve,
  fhirConsentOf,
  GrantRuleViolation,
  initialGrant,
  type GrantCommand,
  type GrantEvent,
  type GrantState,
} from '../../../src/grants/domain/grant.js';

const T0 = 1_800_000_000;

/** A grant request builder: aGrant().oneTime().until(T0 + 60).build(). */
function aGrant() {
  const cmd: Extract<GrantCommand, { type: 'RequestGrant' }> = {
    type: 'RequestGrant',
    by: 'alice',
    grantId: 'g1',
    patientId: 'p1',
    patientSubject: 'alice',
    granteeId: 'ph1',
    granteeSubject: 'pharmacy',
    grantee: '0xabc',
    scope: { recordIds: ['r1'], categories: [] },
    purpose: 'dispensing',
    validFrom: T0,
    validUntil: T0 + 3600,
    maxUses: 0,
    accessRequestId: null,
    nonce: '0',
    deadline: String(T0 + 600),
    signature: '0xsig',
  };
  const b = {
    oneTime: () => ((cmd.maxUses = 1), b),
    until: (t: number) => ((cmd.validUntil = t), b),
    by: (s: string) => ((cmd.by = s), b),
    scope: (recordIds: string[], categories: string[]) => ((cmd.scope = { recordIds, categories }), b),
    build: () => ({ ...cmd }),
  };
  return b;
}

function given(now: number, ...cmds: GrantCommand[]): GrantState {
  return cmds.reduce<GrantState>(
    (s, c) => decide(c, s, now).reduce<GrantState>((x, e) => evolve(x, e as GrantEvent), s),
    initialGrant,
  );
}
const refusal = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return (e as GrantRuleViolation).code;
  }
  return undefined;
};

describe('Grant aggregate (injected clock)', () => {
  it('requested → issued (GrantIssued carries what notifications need)', () => {
    const s = given(T0, aGrant().oneTime().build());
    const [e] = decide({ type: 'ConfirmGrant', txHash: '0xt' }, s, T0);
    expect(e).toMatchObject({
      type: 'consent.GrantIssued',
      payload: {
        grantId: 'g1',
        patientSubject: 'alice',
        granteeSubject: 'pharmacy',
        validUntil: T0 + 3600,
        maxUses: 1,
        scope: { recordIds: ['r1'] },
      },
    });
  });
  it('refuses bad terms', () => {
    expect(refusal(() => given(T0, aGrant().by('mallory').build()))).toBe('NotThePatient');
    expect(refusal(() => given(T0, aGrant().until(T0).build()))).toBe('InvalidWindow');
    expect(
      refusal(() =>
        given(
          T0 + 10,
          aGrant()
            .until(T0 + 5)
            .build(),
        ),
      ),
    ).toBe('InvalidWindow');
    expect(refusal(() => given(T0, aGrant().scope([], []).build()))).toBe('InvalidScope');
    expect(
      refusal(() =>
        given(
          T0,
          aGrant()
            .scope(
              Array.from({ length: 65 }, (_, i) => `r${i}`),
              [],
            )
            .build(),
        ),
      ),
    ).toBe('InvalidScope');
  });
  it('only the patient revokes, only an active grant', () => {
    const requested = given(T0, aGrant().build());
    expect(
      refusal(() =>
        decide({ type: 'RequestRevocation', by: 'alice', nonce: '1', deadline: '1', signature: '0x' }, requested, T0),
      ),
    ).toBe('GrantNotActive');
    const active = given(T0, aGrant().build(), { type: 'ConfirmGrant', txHash: null });
    expect(
      refusal(() =>
        decide({ type: 'RequestRevocation', by: 'pharmacy', nonce: '1', deadline: '1', signature: '0x' }, active, T0),
      ),
    ).toBe('NotThePatient');
    const revoked = given(
      T0,
      aGrant().build(),
      { type: 'ConfirmGrant', txHash: null },
      { type: 'RequestRevocation', by: 'alice', nonce: '1', deadline: '1', signature: '0x' },
      { type: 'ConfirmRevocation', txHash: null },
    );
    expect(revoked.status).toBe('revoked');
  });
  it('a failed revocation leaves the grant active', () => {
    const s = given(
      T0,
      aGrant().build(),
      { type: 'ConfirmGrant', txHash: null },
      { type: 'RequestRevocation', by: 'alice', nonce: '1', deadline: '1', signature: '0x' },
      { type: 'FailRevocation', reason: 'IdentitySignerInvalidSignature' },
    );
    expect(s.status).toBe('active');
  });
  it('expires exactly at validUntil, not before', () => {
    const active = given(
      T0,
      aGrant()
        .until(T0 + 60)
        .build(),
      { type: 'ConfirmGrant', txHash: null },
    );
    expect(refusal(() => decide({ type: 'ExpireGrant' }, active, T0 + 59))).toBe('GrantNotExpired');
    expect(decide({ type: 'ExpireGrant' }, active, T0 + 60)[0]).toMatchObject({
      type: 'consent.GrantExpired',
      payload: { validUntil: T0 + 60 },
    });
    const expired = decide({ type: 'ExpireGrant' }, active, T0 + 60).reduce<GrantState>((x, e) => evolve(x, e), active);
    expect(refusal(() => decide({ type: 'ExpireGrant' }, expired, T0 + 61))).toBe('GrantNotActive');
  });
});

describe('FHIR Consent', () => {
  it('maps the grant', () => {
    const c = fhirConsentOf({
      id: 'g1',
      status: 'active',
      patientId: 'p1',
      granteeId: 'ph1',
      scope: { recordIds: ['r1'], categories: ['laboratory'] },
      purpose: 'dispensing',
      validFrom: T0,
      validUntil: T0 + 60,
      maxUses: 1,
      createdAt: '2026-01-01T00:00:00Z',
      chainTxHash: '0xt',
    });
    expect(c).toMatchObject({
      resourceType: 'Consent',
      status: 'active',
      patient: { reference: 'Patient/p1' },
      provision: {
        type: 'permit',
        class: [{ code: 'laboratory' }],
        data: [{ reference: { reference: 'DocumentReference/r1' } }],
        purpose: [{ code: 'dispensing' }],
      },
    });
    expect(
      fhirConsentOf({
        id: 'g',
        status: 'revoked',
        patientId: 'p',
        granteeId: 'x',
        scope: { recordIds: [], categories: ['imaging'] },
        purpose: 'p',
        validFrom: 0,
        validUntil: 1,
        maxUses: 0,
        createdAt: '',
        chainTxHash: null,
      }).status,
    ).toBe('inactive');
  });
});
