import { aiDef } from './ai-table.js';
import type { ScanError } from './types.js';
import type { AiRead, ReadOutcome } from './values.js';

const OPEN = 40; // (
const BACKSLASH = 92;

function readAiLabel(s: string, i: number): { ai: string; next: number } | ScanError {
  const close = s.indexOf(')', i + 1);
  if (close < 0 || close - i - 1 < 2 || close - i - 1 > 4)
    return { rule: 'syntax', message: 'expected "(AI)" with a 2- to 4-digit AI', position: i };
  const ai = s.substring(i + 1, close);
  if (!aiDef(ai)) return { ai, rule: 'unknown-ai', message: `(${ai}) is not a known GS1 AI`, position: i + 1 };
  return { ai, next: close + 1 };
}

/** A value runs to the next unescaped "(": a literal "(" inside data is written "\(". */
function readValue(s: string, i: number): { value: string; next: number } {
  let value = '';
  let from = i;
  let j = i;
  for (; j < s.length; j++) {
    const c = s.charCodeAt(j);
    if (c === OPEN) break;
    if (c === BACKSLASH && s.charCodeAt(j + 1) === OPEN) {
      value += s.substring(from, j);
      from = ++j;
    }
  }
  return { value: value + s.substring(from, j), next: j };
}

/** Bracketed human-readable interpretation: "(01)09521234543213(17)281231(10)A1". */
export function readHri(s: string, start: number): ReadOutcome {
  const reads: AiRead[] = [];
  let i = start;
  while (i < s.length) {
    if (s.charCodeAt(i) !== OPEN)
      return { reads, error: { rule: 'syntax', message: 'expected "(" before an AI', position: i } };
    const label = readAiLabel(s, i);
    if ('rule' in label) return { reads, error: label };
    const { value, next } = readValue(s, label.next);
    reads.push({ ai: label.ai, value, pos: label.next });
    i = next;
  }
  return { reads };
}
