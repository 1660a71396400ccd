/**
 * The Identity aggregate: a person or organisation a certified registrar vouches for, bound to the Ethereum
 * address that signs for it. Pure: decide(command, state) → events, evolve(state, event) → state.
 */

export const IDENTITY_KINDS = ['patient', 'provider', 'third-party'] as const;
export type IdentityKind = (typeof IDENTITY_KINDS)[number];

export type IdentityStatus = 'active' | 'retired';

/** Which on-chain call an event asks for; the chain writer anchors it and reports back. */
export type ChainOperation = 'register' | 'edit' | 'retire' | 'rebind';

export type IdentityEvent =
  | {
      type: 'registrar.IdentityRegistered';
      version: 1;
      payload: {
        kind: IdentityKind;
        identifierSystem: string;
        identityHash: string;
        address: string;
        subject: string | null;
        registeredBy: string;
        /** An organisation's or practitioner's public name, so patients can find it to share with; never a patient's. */
        displayName?: string | null;
      };
    }
  | {
      type: 'registrar.IdentityEdited';
      version: 1;
      payload: { kind: IdentityKind; identifierSystem: string; identityHash: string; editedBy: string };
    }
  | { type: 'registrar.IdentityRetired'; version: 1; payload: { reason: string; address: string; retiredBy: string } }
  | {
      type: 'registrar.IdentityRebound';
      version: 1;
      payload: { oldAddress: string; newAddress: string; reason: string; reboundBy: string; subject: string | null };
    }
  | {
      type: 'registrar.IdentityAnchored';
      version: 1;
      payload: {
        operation: ChainOperation;
        causationEventId: string;
        txHash: string | null;
        blockNumber: number | null;
      };
    }
  | {
      type: 'registrar.IdentityAnchorRejected';
      version: 1;
      payload: { operation: ChainOperation; causationEventId: string; reason: string };
    };

export type IdentityCommand =
  | {
      type: 'RegisterIdentity';
      kind: IdentityKind;
      identifierSystem: string;
      identityHash: string;
      address: string;
      subject: string | null;
      displayName?: string | null;
      by: string;
    }
  | { type: 'EditIdentity'; kind: IdentityKind; identifierSystem: string; identityHash: string; by: string }
  | { type: 'RetireIdentity'; reason: string; by: string }
  | { type: 'RebindIdentity'; newAddress: string; reason: string; by: string };

export interface IdentityState {
  exists: boolean;
  kind: IdentityKind | null;
  identifierSystem: string | null;
  identityHash: string | null;
  address: string | null;
  subject: string | null;
  status: IdentityStatus | null;
}

export const initialIdentity: IdentityState = {
  exists: false,
  kind: null,
  identifierSystem: null,
  identityHash: null,
  address: null,
  subject: null,
  status: null,
};

/** A command the aggregate refuses, with the HTTP status the API answers. */
export class IdentityRuleViolation extends Error {
  constructor(
    readonly code:
      'IdentityAlreadyExists' | 'IdentityNotFound' | 'IdentityRetired' | 'NothingToChange' | 'PatientsAreNotListed',
    message: string,
  ) {
    super(message);
  }
}

export function decide(cmd: IdentityCommand, s: IdentityState): IdentityEvent[] {
  if (cmd.type === 'RegisterIdentity') {
    if (s.exists) throw new IdentityRuleViolation('IdentityAlreadyExists', 'identity already registered');
    const displayName = cmd.displayName?.trim() || null;
    if (displayName !== null && cmd.kind === 'patient') {
      throw new IdentityRuleViolation('PatientsAreNotListed', 'a patient has no public name: the directory lists none');
    }
    return [
      {
        type: 'registrar.IdentityRegistered',
        version: 1,
        payload: {
          kind: cmd.kind,
          identifierSystem: cmd.identifierSystem,
          identityHash: cmd.identityHash,
          address: cmd.address,
          subject: cmd.subject,
          registeredBy: cmd.by,
          ...(displayName !== null ? { displayName } : {}),
        },
      },
    ];
  }
  if (!s.exists) throw new IdentityRuleViolation('IdentityNotFound', 'identity not found');
  if (s.status === 'retired') throw new IdentityRuleViolation('IdentityRetired', 'identity is retired');
  switch (cmd.type) {
    case 'EditIdentity':
      if (cmd.kind === s.kind && cmd.identityHash === s.identityHash && cmd.identifierSystem === s.identifierSystem) {
        throw new IdentityRuleViolation('NothingToChange', 'the edit changes nothing');
      }
      return [
        {
          type: 'registrar.IdentityEdited',
          version: 1,
          payload: {
            kind: cmd.kind,
            identifierSystem: cmd.identifierSystem,
            identityHash: cmd.identityHash,
            editedBy: cmd.by,
          },
        },
      ];
    case 'RetireIdentity':
      return [
        {
          type: 'registrar.IdentityRetired',
          version: 1,
          payload: { reason: cmd.reason, address: s.address!, retiredBy: cmd.by },
        },
      ];
    case 'RebindIdentity':
      if (cmd.newAddress === s.address) {
        throw new IdentityRuleViolation('NothingToChange', 'the identity is already bound to that address');
      }
      return [
        {
          type: 'registrar.IdentityRebound',
          version: 1,
          // The login bound to the identity, so its owner is told their key changed.
          payload: {
            oldAddress: s.address!,
            newAddress: cmd.newAddress,
            reason: cmd.reason,
            reboundBy: cmd.by,
            subject: s.subject,
          },
        },
      ];
  }
}

export function evolve(s: IdentityState, e: IdentityEvent): IdentityState {
  switch (e.type) {
    case 'registrar.IdentityRegistered':
      return {
        exists: true,
        kind: e.payload.kind,
        identifierSystem: e.payload.identifierSystem,
        identityHash: e.payload.identityHash,
        address: e.payload.address,
        subject: e.payload.subject,
        status: 'active',
      };
    case 'registrar.IdentityEdited':
      return {
        ...s,
        kind: e.payload.kind,
        identifierSystem: e.payload.identifierSystem,
        identityHash: e.payload.identityHash,
      };
    case 'registrar.IdentityRetired':
      return { ...s, status: 'retired' };
    case 'registrar.IdentityRebound':
      return { ...s, address: e.payload.newAddress };
    case 'registrar.IdentityAnchored':
    case 'registrar.IdentityAnchorRejected':
      return s;
  }
}

/** The on-chain call an event asks for, if any. */
export function chainOperationOf(e: IdentityEvent): ChainOperation | undefined {
  switch (e.type) {
    case 'registrar.IdentityRegistered':
      return 'register';
    case 'registrar.IdentityEdited':
      return 'edit';
    case 'registrar.IdentityRetired':
      return 'retire';
    case 'registrar.IdentityRebound':
      return 'rebind';
    case 'registrar.IdentityAnchored':
    case 'registrar.IdentityAnchorRejected':
      return undefined;
  }
}
