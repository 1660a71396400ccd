/** GS1 character sets as 128-entry lookup tables: one array read per character, no regular expressions. */

/** GS1 AI encodable character set 82 (General Specifications, figure 7.11-1). */
const CSET82 = `!"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz`;
/** GS1 AI encodable character set 39 (used by AI 8010 CPID). */
const CSET39 = '#-/0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

export type CharKind = 'N' | 'X' | 'Y';

function table(chars: string): Uint8Array {
  const t = new Uint8Array(128);
  for (let i = 0; i < chars.length; i++) t[chars.charCodeAt(i)] = 1;
  return t;
}

const TABLES: Record<CharKind, Uint8Array> = {
  N: table('0123456789'),
  X: table(CSET82),
  Y: table(CSET39),
};

/** Index of the first character of s[from, to) outside the set, or -1. */
export function firstOutside(s: string, from: number, to: number, kind: CharKind): number {
  const t = TABLES[kind];
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128 || t[c] === 0) return i;
  }
  return -1;
}

export const CHARSET_NAME: Record<CharKind, string> = {
  N: 'digits',
  X: 'the GS1 AI encodable character set 82',
  Y: 'the GS1 AI encodable character set 39',
};

/** A character as a reader sees it in a message: printable as itself, the rest as U+XXXX. */
export function showChar(s: string, i: number): string {
  const c = s.charCodeAt(i);
  return c > 32 && c < 127 ? `'${s[i]}'` : `U+${c.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** The value of a hexadecimal digit's character code, or -1. */
export function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const l = c | 0x20;
  return l >= 97 && l <= 102 ? l - 87 : -1;
}
