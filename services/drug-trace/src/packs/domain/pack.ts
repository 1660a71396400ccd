/**
 * A pack's state, EMVS-style (EMVO "Pack state", EU 2016/161 Art. 25–40). Pure: decide(command, state) →
 * events or a refusal; evolve(state, event) → state. Clock, place and party come in with the command.
 */
export const INACTIVE_STATES = [
  'supplied',
  'exported',
  'checked_out',
  'stolen',
  'sample',
  'free_sample',
  'locked',
  'destroyed',
] as const;
/** Set by the system (a recall, a withdrawal, the expiry date), never undone. */
export const IRREVERSIBLE_STATES = ['recalled', 'withdrawn', 'expired'] as const;
export type InactiveState = (typeof INACTIVE_STATES)[number];
export type IrreversibleState = (typeof IRREVERSIBLE_STATES)[number];
export type PackStatus = 'active' | InactiveState | IrreversibleState;

/** Never reverted, whoever asks: the pack is gone or must not re-enter the chain. */
const NEVER_UNDONE: ReadonlySet<PackStatus> = new Set(['stolen', 'destroyed', ...IRREVERSIBLE_STATES]);
export const UNDO_WINDOW_MS = 10 * 24 * 3600 * 1000;

export interface PackState {
  gtin: string;
  serial: string;
  lot: string;
  /** YYYY-MM-DD. */
  expiry: string;
  status: PackStatus;
  since: Date;
  /** Where and by whom the current status was set (an undo must come from the same place). */
  statusLocation: string | null;
  statusParty: string | null;
}

export type PackCommand =
  | {
      kind: 'Commission';
      gtin: string;
      serial: string;
      lot: string;
      expiry: string;
      at: Date;
      location: string;
      party: string;
    }
  | { kind: 'Decommission'; to: InactiveState; at: Date; location: string; party: string }
  | { kind: 'Undo'; at: Date; location: string; party: string }
  | { kind: 'SetIrreversible'; to: IrreversibleState; at: Date };

export type PackEvent =
  | {
      type: 'PackCommissioned';
      gtin: string;
      serial: string;
      lot: string;
      expiry: string;
      at: Date;
      location: string;
      party: string;
    }
  | { type: 'PackDecommissioned'; from: PackStatus; to: InactiveState; at: Date; location: string; party: string }
  | { type: 'PackReactivated'; from: InactiveState; at: Date; location: string; party: string }
  | { type: 'PackMadeIrreversible'; from: PackStatus; to: IrreversibleState; at: Date };

/** EMVS alert codes the refusals carry: A7 (already in that state), A24 (status change impossible). */
export type RefusalCode = 'A7' | 'A24' | 'NotCommissioned' | 'AlreadyCommissioned';
export interface Refusal {
  code: RefusalCode;
  /** NMVS-style detail: NC_PCK_22 already inactive, _06 undo mismatch, _20 undo too late, … */
  reason: string;
  state: PackStatus | null;
  message: string;
}
export type Decision = { ok: true; events: PackEvent[] } | { ok: false; refusal: Refusal };

const refuse = (code: RefusalCode, reason: string, state: PackStatus | null, message: string): Decision => ({
  ok: false,
  refusal: { code, reason, state, message },
});

export function decide(cmd: PackCommand, state: PackState | undefined): Decision {
  if (cmd.kind === 'Commission') {
    if (state) return refuse('AlreadyCommissioned', 'duplicate-commissioning', state.status, 'serial already exists');
    const { kind: _, ...rest } = cmd;
    return { ok: true, events: [{ type: 'PackCommissioned', ...rest }] };
  }
  if (!state) return refuse('NotCommissioned', 'NC_PC_02', null, 'serial was never commissioned');
  switch (cmd.kind) {
    case 'Decommission':
      return decommission(cmd, state);
    case 'Undo':
      return undo(cmd, state);
    case 'SetIrreversible':
      if (state.status === cmd.to) return refuse('A7', 'NC_PCK_19', state.status, `pack is already ${cmd.to}`);
      if (IRREVERSIBLE_STATES.includes(state.status as IrreversibleState))
        return refuse('A24', 'NC_PCK_22', state.status, `pack is ${state.status}, which is final`);
      return { ok: true, events: [{ type: 'PackMadeIrreversible', from: state.status, to: cmd.to, at: cmd.at }] };
  }
}

function decommission(cmd: Extract<PackCommand, { kind: 'Decommission' }>, s: PackState): Decision {
  if (s.status === cmd.to) return refuse('A7', 'NC_PCK_19', s.status, `pack is already ${cmd.to}`);
  if (s.status !== 'active') return refuse('A24', 'NC_PCK_22', s.status, `pack is ${s.status}, not active`);
  const { to, at, location, party } = cmd;
  return { ok: true, events: [{ type: 'PackDecommissioned', from: s.status, to, at, location, party }] };
}

function undo(cmd: Extract<PackCommand, { kind: 'Undo' }>, s: PackState): Decision {
  if (s.status === 'active') return refuse('A7', 'NC_PCK_19', s.status, 'pack is already active');
  if (NEVER_UNDONE.has(s.status)) return refuse('A24', 'NC_PCK_27', s.status, `a ${s.status} pack is never undone`);
  if (cmd.at.getTime() - s.since.getTime() > UNDO_WINDOW_MS)
    return refuse('A24', 'NC_PCK_20', s.status, 'the undo window of 10 days has passed');
  if (s.statusLocation !== cmd.location)
    return refuse('A24', 'NC_PCK_06', s.status, 'an undo must happen at the location that set the state');
  if (s.statusParty !== cmd.party)
    return refuse('A24', 'NC_PCK_21', s.status, 'an undo must come from the party that set the state');
  const { at, location, party } = cmd;
  return { ok: true, events: [{ type: 'PackReactivated', from: s.status as InactiveState, at, location, party }] };
}

export function evolve(state: PackState | undefined, e: PackEvent): PackState {
  switch (e.type) {
    case 'PackCommissioned':
      return {
        gtin: e.gtin,
        serial: e.serial,
        lot: e.lot,
        expiry: e.expiry,
        status: 'active',
        since: e.at,
        statusLocation: e.location,
        statusParty: e.party,
      };
    case 'PackDecommissioned':
      return { ...state!, status: e.to, since: e.at, statusLocation: e.location, statusParty: e.party };
    case 'PackReactivated':
      return { ...state!, status: 'active', since: e.at, statusLocation: e.location, statusParty: e.party };
    case 'PackMadeIrreversible':
      return { ...state!, status: e.to, since: e.at, statusLocation: null, statusParty: null };
  }
}
