/**
 * Checks on raw request input that no DTO can make: text PostgreSQL cannot store (NUL, lone UTF-16 surrogates),
 * nesting deep enough to overflow class-transformer's recursion, and keys that reach an object's prototype.
 * Every walk is iterative and O(size), so a hostile body cannot blow the stack here either.
 */

export interface InputLimits {
  /** Deepest nesting of objects and arrays accepted; the JSON body `{"a":{}}` is 2 deep. */
  maxDepth: number;
  /** The walk stops after this many problems; one is enough to refuse. */
  maxProblems: number;
}

export const DEFAULT_INPUT_LIMITS: InputLimits = { maxDepth: 32, maxProblems: 10 };

export interface InputProblem {
  path: string;
  reason: string;
}

/** `__proto__` is an own property after JSON.parse; merged into an object later it rewrites the prototype. */
const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

// With the u flag a paired surrogate is one code point, so \p{Cs} matches only a lone one.
const UNSTORABLE = /\u0000|\p{Cs}/u;

/** Why PostgreSQL text/jsonb could not hold `s`, or undefined when it can. */
export function textProblem(s: string): string | undefined {
  const m = UNSTORABLE.exec(s);
  if (!m) return undefined;
  return m[0] === '\u0000' ? 'contains a NUL character' : 'contains a lone UTF-16 surrogate';
}

function keyProblem(key: string): string | undefined {
  if (RESERVED_KEYS.has(key)) return `"${key}" is a reserved name`;
  const t = textProblem(key);
  return t ? `key ${t}` : undefined;
}

/** A path segment safe to echo back in a JSON answer and a log line. */
function printable(segment: string): string {
  return segment.replace(/\u0000|\p{Cs}/gu, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

interface Level {
  node: object;
  /** Own enumerable keys of an object; undefined for an array, walked by index. */
  keys: string[] | undefined;
  next: number;
  segment: string | undefined;
}

class InputWalk {
  readonly problems: InputProblem[] = [];
  private readonly levels: Level[] = [];

  constructor(
    private readonly prefix: string[],
    private readonly limits: InputLimits,
  ) {}

  run(root: unknown): InputProblem[] {
    this.visit(root, undefined);
    while (this.levels.length > 0 && this.problems.length < this.limits.maxProblems) this.step();
    return this.problems;
  }

  private step(): void {
    const top = this.levels[this.levels.length - 1]!;
    const size = top.keys ? top.keys.length : (top.node as unknown[]).length;
    if (top.next >= size) {
      this.levels.pop();
      return;
    }
    const key = top.keys ? top.keys[top.next]! : String(top.next);
    top.next += 1;
    const bad = top.keys ? keyProblem(key) : undefined;
    if (bad) this.report(key, bad);
    else this.visit((top.node as Record<string, unknown>)[key], key);
  }

  private visit(value: unknown, segment: string | undefined): void {
    if (typeof value === 'string') {
      const bad = textProblem(value);
      if (bad) this.report(segment, bad);
      return;
    }
    if (typeof value !== 'object' || value === null) return;
    if (this.levels.length >= this.limits.maxDepth) {
      this.report(segment, `nested deeper than ${this.limits.maxDepth} levels`);
      return;
    }
    const keys = Array.isArray(value) ? undefined : Object.keys(value);
    this.levels.push({ node: value, keys, next: 0, segment });
  }

  private report(segment: string | undefined, reason: string): void {
    const parts = [...this.prefix, ...this.levels.map((l) => l.segment), segment];
    const path = parts.filter((p): p is string => p !== undefined).map(printable);
    this.problems.push({ path: path.length > 0 ? path.join('.') : '(body)', reason });
  }
}

/** Every problem (up to `limits.maxProblems`) in a parsed body, query or params object; `[]` when clean. */
export function scanInput(
  root: unknown,
  prefix: string[] = [],
  limits: InputLimits = DEFAULT_INPUT_LIMITS,
): InputProblem[] {
  return new InputWalk(prefix, limits).run(root);
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const isOpener = (b: number) => b === 0x5b || b === 0x7b; // [ {
const isCloser = (b: number) => b === 0x5d || b === 0x7d; // ] }

/** Index of the quote closing the string opened at `start` (the buffer's length when none): native indexOf. */
function stringEnd(buf: Uint8Array, start: number): number {
  for (let i = buf.indexOf(QUOTE, start + 1); i !== -1; i = buf.indexOf(QUOTE, i + 1)) {
    let backslashes = 0;
    while (buf[i - 1 - backslashes] === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return i;
  }
  return buf.length;
}

/**
 * The nesting depth of raw UTF-8 JSON, counted on the bytes before parsing, or stopped as soon as it passes
 * `max`: a body 20,000 levels deep is refused without building its 20,000 objects.
 */
export function rawJsonDepth(buf: Uint8Array, max: number): number {
  let depth = 0;
  let deepest = 0;
  for (let i = 0; i < buf.length && deepest <= max; i++) {
    const b = buf[i]!;
    if (b === QUOTE) i = stringEnd(buf, i);
    else if (isOpener(b)) deepest = Math.max(deepest, ++depth);
    else if (isCloser(b)) depth--;
  }
  return deepest;
}
