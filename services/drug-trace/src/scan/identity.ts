import { aiDef, matchesPattern, type AiDef } from './ai-table.js';
import { resolveYymmdd } from './dates.js';
import type { PackIdentity, ScanError } from './types.js';
import { valueError, type AiRead } from './values.js';

function present(ais: Record<string, string>, pattern: string): boolean {
  if (!pattern.includes('n')) return ais[pattern] !== undefined;
  return Object.keys(ais).some((ai) => matchesPattern(ai, pattern));
}

function duplicate(r: AiRead): ScanError {
  return {
    ai: r.ai,
    rule: 'duplicate-ai',
    message: `AI (${r.ai}) appears twice with different values`,
    position: r.pos,
  };
}

type Collected =
  { ok: true; ais: Record<string, string>; positions: Record<string, number> } | { ok: false; error: ScanError };

/** Check each value and collect the AIs; the same AI twice is accepted with the same value (GS1 permits it). */
function collect(reads: AiRead[], refYear: number): Collected {
  const ais: Record<string, string> = {};
  const positions: Record<string, number> = {};
  for (const r of reads) {
    const def = aiDef(r.ai) as AiDef;
    const bad = valueError(r, def, refYear);
    if (bad) return { ok: false, error: bad };
    const seen = ais[r.ai];
    if (seen !== undefined && seen !== r.value) return { ok: false, error: duplicate(r) };
    ais[r.ai] = r.value;
    positions[r.ai] ??= r.pos;
  }
  return { ok: true, ais, positions };
}

function exclusionError(ai: string, def: AiDef, ais: Record<string, string>): ScanError | undefined {
  const clash = def.excludes.find((p) => !matchesPattern(ai, p) && present(ais, p));
  return clash ? { ai, rule: 'exclusive', message: `AI (${ai}) may not appear with (${clash})` } : undefined;
}

function requirementError(ai: string, def: AiDef, ais: Record<string, string>): ScanError | undefined {
  for (const alternatives of def.requires) {
    if (alternatives.some((p) => present(ais, p))) continue;
    const rule = alternatives.includes('01') ? 'requires-01' : 'requires-key';
    return { ai, rule, message: `AI (${ai}) ${def.title} needs one of (${alternatives.join('), (')})` };
  }
  return undefined;
}

/**
 * Validate every AI and the pairing rules over the whole scan, then name the identity. A reader that stopped
 * at readError hands over the AIs before it: a bad value there is the earlier, more useful error.
 */
export function toIdentity(reads: AiRead[], refYear: number, readError?: ScanError): PackIdentity | ScanError {
  const collected = collect(reads, refYear);
  if (!collected.ok) return collected.error;
  if (readError) return readError;
  const { ais, positions } = collected;
  for (const check of [exclusionError, requirementError]) {
    for (const ai of Object.keys(ais)) {
      const bad = check(ai, aiDef(ai) as AiDef, ais);
      if (bad) return { ...bad, position: positions[ai] as number };
    }
  }
  if (!Object.keys(ais).some((ai) => aiDef(ai)?.dlQualifiers)) return noKey(ais);
  return identityOf(ais, refYear);
}

/** A scan that names no GS1 key (only attributes, e.g. "(90)..."): it identifies nothing. */
function noKey(ais: Record<string, string>): ScanError {
  const first = Object.keys(ais)[0];
  const message = 'the scan carries no GS1 identification key (01, 00, 414, 417, 8004, ...)';
  return first === undefined ? { rule: 'requires-key', message } : { ai: first, rule: 'requires-key', message };
}

function identityOf(ais: Record<string, string>, refYear: number): PackIdentity {
  const id: PackIdentity = { gtin: ais['01'] ?? '', ais };
  if (ais['21'] !== undefined) id.serial = ais['21'];
  if (ais['10'] !== undefined) id.lot = ais['10'];
  if (ais['17'] !== undefined) id.expiry = resolveYymmdd(ais['17'], 0, true, refYear);
  if (ais['00'] !== undefined) id.sscc = ais['00'];
  const gln = ais['414'] ?? ais['417'];
  if (gln !== undefined) id.gln = gln;
  return id;
}
