import { rawJsonDepth, scanInput, textProblem } from '../../src/http/input-scan.js';

const deepArray = (n: number) => '['.repeat(n) + ']'.repeat(n);
const deepObject = (n: number) => '{"a":'.repeat(n) + '1' + '}'.repeat(n);

describe('textProblem: what PostgreSQL text/jsonb cannot hold', () => {
  it.each([
    ['a\u0000b', 'contains a NUL character'],
    ['a\ud800b', 'contains a lone UTF-16 surrogate'],
    ['\udc00', 'contains a lone UTF-16 surrogate'],
    ['x\ud83d', 'contains a lone UTF-16 surrogate'],
  ])('%j → %s', (s, reason) => expect(textProblem(s)).toBe(reason));

  it.each(['', 'plain', 'Zoë', '病歴', '\ud83d\ude00 paired surrogates are fine', '\ufffd'])('accepts %j', (s) =>
    expect(textProblem(s)).toBeUndefined(),
  );
});

describe('scanInput: names the field at fault', () => {
  it('finds a NUL in a nested value and in an array element', () => {
    expect(scanInput({ identifier: { value: 'A\u0000' }, tags: ['ok', 'b\ud800'] })).toEqual([
      { path: 'identifier.value', reason: 'contains a NUL character' },
      { path: 'tags.1', reason: 'contains a lone UTF-16 surrogate' },
    ]);
  });

  it('checks keys, and echoes them printable', () => {
    expect(scanInput({ 'k\u0000': 1 }, ['query'])).toEqual([
      { path: 'query.k\\u0000', reason: 'key contains a NUL character' },
    ]);
  });

  it.each(['__proto__', 'constructor', 'prototype'])('refuses the own key %s anywhere', (key) => {
    const body: unknown = JSON.parse(`{"a":[{"${key}":{"isAdmin":true}}]}`);
    expect(scanInput(body)).toEqual([{ path: `a.0.${key}`, reason: `"${key}" is a reserved name` }]);
  });

  it('refuses nesting past the limit without recursion, 20,000 deep', () => {
    const started = performance.now();
    const problems = scanInput(JSON.parse(deepObject(20_000)));
    expect(problems).toHaveLength(1);
    expect(problems[0]!.reason).toBe('nested deeper than 32 levels');
    expect(problems[0]!.path).toBe(Array(32).fill('a').join('.'));
    expect(performance.now() - started).toBeLessThan(500);
  });

  it('accepts nesting up to the limit', () => {
    expect(scanInput(JSON.parse(deepArray(32)))).toEqual([]);
    expect(scanInput(JSON.parse(deepArray(33)))).toHaveLength(1);
  });

  it('names a bad root string (body)', () => {
    expect(scanInput('\u0000')).toEqual([{ path: '(body)', reason: 'contains a NUL character' }]);
  });

  it('stops after maxProblems and passes clean or empty input', () => {
    expect(scanInput(Array(50).fill('\u0000'), [], { maxDepth: 32, maxProblems: 3 })).toHaveLength(3);
    expect(scanInput({ a: [1, true, null, 'x', { b: 2 }] })).toEqual([]);
    expect(scanInput(undefined)).toEqual([]);
  });
});

describe('rawJsonDepth: depth on the bytes, before parsing', () => {
  const depth = (s: string, max = 32) => rawJsonDepth(Buffer.from(s), max);

  it('counts brackets outside strings only', () => {
    expect(depth('{"a":[1,{"b":"[[[{{{"}]}')).toBe(3);
    expect(depth('"\\"[[["')).toBe(0);
    expect(depth('["a\\\\",["b\\\\\\"[[["]]')).toBe(2);
    expect(depth('["unterminated [[[')).toBe(1);
    expect(depth('[]')).toBe(1);
  });

  it('stops just past the limit on a 20,000-deep body', () => {
    expect(depth(deepArray(20_000))).toBe(33);
    expect(depth(deepArray(32))).toBe(32);
  });
});
