import type { AiDef, Component } from './ai-table.js';
import { CHARSET_NAME, firstOutside, showChar } from './charset.js';
import { hasValidCheckDigit } from '@uhr/platform';
import { isHhmm, resolveYymmdd } from './dates.js';
import type { ScanError } from './types.js';

/** One AI as read from a carrier, before validation; pos is where its value starts in the raw scan. */
export interface AiRead {
  ai: string;
  value: string;
  pos: number;
}

/** A reader's result: the AIs it read, and the error that stopped it (the AIs before it are still checked). */
export interface ReadOutcome {
  reads: AiRead[];
  error?: ScanError;
}

function fail(read: AiRead, def: AiDef, rule: ScanError['rule'], detail: string, at = 0): ScanError {
  return { ai: read.ai, rule, message: `AI (${read.ai}) ${def.title}: ${detail}`, position: read.pos + at };
}

function lengthError(read: AiRead, def: AiDef): ScanError | undefined {
  const n = read.value.length;
  if (n >= def.minLength && n <= def.maxLength) return undefined;
  const want = def.fixed ? `exactly ${def.maxLength}` : `${def.minLength} to ${def.maxLength}`;
  return fail(read, def, 'length', `${n} characters, needs ${want}`);
}

function componentError(read: AiRead, def: AiDef, c: Component, from: number, to: number, refYear: number) {
  const v = read.value;
  const bad = firstOutside(v, from, to, c.kind);
  if (bad >= 0) return fail(read, def, 'charset', `${showChar(v, bad)} is not in ${CHARSET_NAME[c.kind]}`, bad);
  for (const check of c.checks) {
    if (check === 'csum' && !hasValidCheckDigit(v.slice(from, to)))
      return fail(read, def, 'check-digit', `check digit of ${v.slice(from, to)} is wrong`, to - 1);
    if ((check === 'yymmd0' || check === 'yymmdd') && !resolveYymmdd(v, from, check === 'yymmd0', refYear))
      return fail(read, def, 'date', `${v.slice(from, to)} is not a date (YYMMDD)`, from);
    if (check === 'hhmm' && !isHhmm(v, from))
      return fail(read, def, 'date', `${v.slice(from, to)} is not a time (HHMM)`, from);
    if (check === 'zero' && v.charCodeAt(from) !== 48) return fail(read, def, 'syntax', `must start with 0`, from);
  }
  return undefined;
}

/** The first rule the value breaks (length, character set, check digit, date), or undefined when valid. */
export function valueError(read: AiRead, def: AiDef, refYear: number): ScanError | undefined {
  const lengthErr = lengthError(read, def);
  if (lengthErr) return lengthErr;
  let from = 0;
  for (const c of def.components) {
    const to = Math.min(read.value.length, from + c.max);
    if (to - from < c.min) return fail(read, def, 'length', `component at ${from} is too short`, from);
    if (to > from) {
      const err = componentError(read, def, c, from, to, refYear);
      if (err) return err;
    }
    from = to;
  }
  return undefined;
}
