import { matchAi } from './ai-table.js';
import type { ScanError } from './types.js';
import type { AiRead, ReadOutcome } from './values.js';

/** GS (0x1D): how scanners transmit FNC1 after the first position. */
export const GS = 0x1d;

function unknownAi(s: string, i: number): ScanError {
  const shown = s.substring(i, i + 4);
  return { rule: 'unknown-ai', message: `no known GS1 AI starts "${shown}"`, position: i };
}

/** A fixed-length value ends after its length, or earlier at a GS (then it is too short: a length error). */
function fixedEnd(s: string, pos: number, length: number): number {
  const limit = Math.min(s.length, pos + length);
  for (let j = pos; j < limit; j++) if (s.charCodeAt(j) === GS) return j;
  return limit;
}

function variableEnd(s: string, pos: number): number {
  const gs = s.indexOf('\x1d', pos);
  return gs < 0 ? s.length : gs;
}

/**
 * Split an element string (FNC1 in first position already removed) into AIs.
 * A variable-length value runs to the next GS or the end; a fixed-length one takes its length, with an
 * optional GS after it (a superfluous GS anywhere is skipped, as GS1 permits).
 */
export function readElementString(s: string, start: number): ReadOutcome {
  const reads: AiRead[] = [];
  let i = start;
  while (i < s.length) {
    if (s.charCodeAt(i) === GS) {
      i++;
      continue;
    }
    const def = matchAi(s, i);
    if (!def) return { reads, error: unknownAi(s, i) };
    const pos = i + def.ai.length;
    const end = def.fixed ? fixedEnd(s, pos, def.maxLength) : variableEnd(s, pos);
    reads.push({ ai: def.ai, value: s.substring(pos, end), pos });
    i = end;
  }
  return reads.length > 0
    ? { reads }
    : { reads, error: { rule: 'empty', message: 'no AI in the element string', position: start } };
}
