import { randomUUID } from 'node:crypto';
import type { Arbitrary } from 'fast-check';
import { operationsOf, replaceAt, stringSlots, type OpenApiDocument, type Operation } from './openapi-operations.ts';
import { tokenFor, waitFor } from './index.ts';

/**
 * Drives every endpoint a service's OpenAPI document lists with input no client should send (text PostgreSQL
 * cannot store, huge strings, wrong types, 20,000-deep nesting, prototype keys, unknown keys, bad EIP-55
 * checksums, empty and non-JSON bodies, hostile path and query values) and collects every answer ≥ 500.
 * Generic on purpose: services change their endpoints, the document follows. A fixed attack changes one thing
 * in a sample built from the schema (examples, first enum members), so the rest may pass validation and the
 * handler run: ids are fresh uuids that exist nowhere, and a state-changing call without a body gets only
 * queries the edge must refuse.
 */

export interface FuzzTarget {
  service: string;
  url: string;
}

export interface FuzzFinding {
  service: string;
  request: string;
  status: number;
  body: string;
}

export interface FuzzReport {
  /** Requests sent: fixed attacks plus the random runs (a vacuous run sends few). */
  sent: number;
  operations: number;
  /** fast-check's seed: pass it back in the options to replay the random part. */
  seed: number;
  findings: FuzzFinding[];
}

export interface EdgeFuzzOptions {
  /** Realm users each fixed attack is sent as (null: no token, one attack in five); random runs pick one. */
  users?: Array<string | null>;
  /** Random requests per service on top of the fixed ones. */
  numRuns?: number;
  seed?: number;
  concurrency?: number;
  timeoutMs?: number;
}

interface Attack {
  what: string;
  method: string;
  path: string;
  contentType?: string;
  body?: string | Uint8Array;
  user: string | null;
}

type AttackDraft = Omit<Attack, 'user'>;

const DEFAULT_USERS = ['registrar-1', 'patient-alice', 'provider-hospital', 'auditor-1', null];
const DEEP = 20_000;
export const BAD_STRINGS: Record<string, string> = {
  nul: 'a\u0000b',
  loneHighSurrogate: 'x\ud800y',
  loneLowSurrogate: '\udfff',
  huge: 'A'.repeat(150_000),
  badChecksum: '0x70997970c51812dc3A010C7d01b50e0d17dc79C8',
  reservedName: '__proto__',
  /** Decimal text past uint256: nonces and deadlines are decimal strings. */
  pastUint256: '9'.repeat(100),
};
const WRONG_TYPES: unknown[] = [123, -1.5e308, true, null, [], {}, { $gt: '' }, ['a', 1]];
const BAD_PATH_VALUES = [
  '%00',
  'a%00b',
  '%ED%A0%80',
  '%F0%9F',
  '%FF',
  'A'.repeat(5000),
  BAD_STRINGS.badChecksum!,
  '__proto__',
  'constructor',
  '..%2F..%2Fetc',
  "x'%3B%20drop%20table%20t%3B--",
];
const BAD_QUERY_VALUES = ['%00', '%ED%A0%80', 'A'.repeat(5000), '-1', 'abc', '1e999', '1&$name=2'];
const UNKNOWN_KEY = 'unexpectedFuzzField';
const REFUSED_QUERY_KEYS = ['%00=1', 'a%00b=1', '__proto__=1'];
const LENIENT_QUERY_KEYS = ['%ED%A0%80=1', 'constructor[prototype][x]=1'];

const json = (what: string, op: Operation, path: string, value: unknown): AttackDraft => ({
  what,
  method: op.method,
  path,
  contentType: 'application/json',
  body: JSON.stringify(value),
});
const raw = (
  what: string,
  op: Operation,
  path: string,
  body: string | Uint8Array,
  contentType = 'application/json',
) => ({
  what,
  method: op.method,
  path,
  contentType,
  body,
});

/** Every path parameter a fresh uuid: a plausible id that exists nowhere. */
function concretePath(op: Operation, overrides: Record<string, string> = {}): string {
  return op.path.replace(/\{([^}]+)\}/g, (_m, name: string) => overrides[name] ?? randomUUID());
}

/** `{"__proto__":…, <the sample's own keys>}` as text: an object literal would set the prototype instead. */
function withRawKey(sample: unknown, key: string, value: string): string {
  const rest = typeof sample === 'object' && sample !== null && !Array.isArray(sample) ? JSON.stringify(sample) : '{}';
  return `{${JSON.stringify(key)}:${value}${rest === '{}' ? '}' : `,${rest.slice(1)}`}`;
}

function stringAttacks(op: Operation, path: string): AttackDraft[] {
  const slots = stringSlots(op.body).slice(0, 8);
  const names = Object.keys(BAD_STRINGS);
  const perSlot = slots.map((slot, i) => {
    const name = names[i % names.length]!;
    return json(`${name} in ${slot.join('.')}`, op, path, replaceAt(op.body, slot, BAD_STRINGS[name]));
  });
  const first = slots[0] ?? [UNKNOWN_KEY];
  const everyKind = names.map((n) =>
    json(`${n} in ${first.join('.')}`, op, path, replaceAt(op.body, first, BAD_STRINGS[n])),
  );
  return [...perSlot, ...everyKind];
}

function typeAttacks(op: Operation, path: string): AttackDraft[] {
  const fields = typeof op.body === 'object' && op.body !== null ? Object.keys(op.body).slice(0, 6) : [];
  const perField = fields.map((f, i) =>
    json(`wrong type in ${f}`, op, path, replaceAt(op.body, [f], WRONG_TYPES[i % WRONG_TYPES.length])),
  );
  return [...perField, ...WRONG_TYPES.map((v) => json(`body ${JSON.stringify(v)}`, op, path, v))];
}

function structureAttacks(op: Operation, path: string): AttackDraft[] {
  const sample = op.body;
  return [
    raw('20,000-deep array', op, path, '['.repeat(DEEP) + ']'.repeat(DEEP)),
    raw('20,000-deep object', op, path, '{"a":'.repeat(DEEP) + '1' + '}'.repeat(DEEP)),
    raw('__proto__ key', op, path, withRawKey(sample, '__proto__', '{"isAdmin":true}')),
    raw('constructor.prototype', op, path, withRawKey(sample, 'constructor', '{"prototype":{"isAdmin":true}}')),
    raw('NUL in a key', op, path, withRawKey(sample, 'k\u0000', '1')),
    raw('lone surrogate in a key', op, path, withRawKey(sample, '\ud800', '1')),
    json('unknown key', op, path, { ...(sample as object), [UNKNOWN_KEY]: 'x' }),
    raw(
      'invalid UTF-8 bytes',
      op,
      path,
      Uint8Array.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xed, 0xa0, 0x80, 0xff, 0x22, 0x7d]),
    ),
    raw('empty JSON body', op, path, ''),
    raw('not JSON', op, path, '{not json'),
    raw('text/plain body', op, path, 'hello', 'text/plain'),
    raw('form body', op, path, 'a=%00&__proto__[x]=1', 'application/x-www-form-urlencoded'),
    raw('JSON with an unknown charset', op, path, '{}', 'application/json; charset=klingon'),
  ];
}

function paramAttacks(op: Operation): AttackDraft[] {
  return op.pathParams.flatMap((name) =>
    BAD_PATH_VALUES.map((v) => ({
      what: `path ${name}=${v.slice(0, 20)}`,
      method: op.method,
      path: concretePath(op, { [name]: v }),
    })),
  );
}

function queryAttacks(op: Operation): AttackDraft[] {
  const base = concretePath(op);
  // A query the edge lets through (a lenient decode, "-1", a literal bracket) would run a state-changing call
  // for real: other methods get only what the edge must refuse.
  const reads = op.method === 'GET';
  const values = reads ? BAD_QUERY_VALUES : ['%00', 'a%00b'];
  const perParam = op.queryParams.flatMap((name) =>
    values.map((v) => ({
      what: `query ${name}=${v.slice(0, 20)}`,
      method: op.method,
      path: `${base}?${name}=${v.replace('$name', name)}`,
    })),
  );
  const keys = reads ? [...REFUSED_QUERY_KEYS, ...LENIENT_QUERY_KEYS] : REFUSED_QUERY_KEYS;
  return [...perParam, ...keys.map((q) => ({ what: `query key ${q}`, method: op.method, path: `${base}?${q}` }))];
}

/** The fixed attacks on one operation; bodies only where the operation takes one (fetch refuses a GET body). */
export function attacksOn(op: Operation): AttackDraft[] {
  const path = concretePath(op);
  const bodies = op.hasBody
    ? [...stringAttacks(op, path), ...typeAttacks(op, path), ...structureAttacks(op, path)]
    : [];
  return [...bodies, ...paramAttacks(op), ...queryAttacks(op)];
}

async function headersFor(user: string | null, contentType?: string): Promise<Record<string, string>> {
  const h: Record<string, string> = contentType ? { 'content-type': contentType } : {};
  if (user) h.authorization = `Bearer ${await tokenFor(user)}`;
  return h;
}

/** Sends one attack: the answer's status (0 when the connection failed or timed out) and its body's start. */
async function send(url: string, a: Attack, timeoutMs: number): Promise<{ status: number; body: string }> {
  try {
    const res = await fetch(url + a.path, {
      method: a.method,
      headers: await headersFor(a.user, a.contentType),
      body: a.body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const streaming = res.headers.get('content-type')?.includes('text/event-stream');
    const body = streaming ? '' : await res.text();
    if (streaming) await res.body?.cancel();
    return { status: res.status, body: body.slice(0, 300) };
  } catch (err) {
    return { status: 0, body: String(err).slice(0, 300) };
  }
}

const isFinding = (status: number) => status >= 500 || status === 0;
const findingOf = (target: FuzzTarget, a: Attack, status: number, body: string): FuzzFinding => ({
  service: target.service,
  request: `${a.method} ${a.path.slice(0, 120)} [${a.what}] as ${a.user ?? 'anonymous'}`,
  status,
  body,
});

async function sendAll(target: FuzzTarget, attacks: Attack[], opts: Required<EdgeFuzzOptions>): Promise<FuzzFinding[]> {
  const findings: FuzzFinding[] = [];
  let next = 0;
  const worker = async () => {
    for (let a = attacks[next++]; a; a = attacks[next++]) {
      const { status, body } = await send(target.url, a, opts.timeoutMs);
      if (isFinding(status)) findings.push(findingOf(target, a, status, body));
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, worker));
  return findings;
}

/**
 * Each attack as every user with a token: a role guard answers 403 before validation runs, so only the role the
 * endpoint admits reaches the code under test. Anonymous (401 before anything else) one attack in five.
 */
function asEveryUser(d: AttackDraft, i: number, users: Array<string | null>): Attack[] {
  return users.filter((u) => u !== null || i % 5 === 0).map((user) => ({ ...d, user }));
}

/** A safely encoded path segment from any generated string (lone surrogates become invalid UTF-8 bytes). */
function segmentOf(s: string): string {
  try {
    return encodeURIComponent(s);
  } catch {
    return '%ED%A0%80';
  }
}

// fast-check is a devDependency: loaded when a fuzz runs, so importing @uhr/platform/testing does not need it.
type FastCheck = typeof import('fast-check');

const fuzzValue = (fc: FastCheck) =>
  fc.oneof(
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.constantFrom(...Object.values(BAD_STRINGS)),
    fc.constantFrom(...WRONG_TYPES),
    fc.jsonValue({ maxDepth: 3 }),
  );

/** Random mutations of one operation's body and path; each body keeps an unknown key, so none is accepted. */
function randomAttack(fc: FastCheck, ops: Operation[], users: Array<string | null>): Arbitrary<Attack> {
  const parts = {
    op: fc.constantFrom(...ops),
    slot: fc.nat(),
    value: fuzzValue(fc),
    key: fc.string({ unit: 'binary', maxLength: 12 }),
    param: fc.string({ unit: 'binary', maxLength: 40 }),
    user: fc.constantFrom(...users),
  };
  return fc.record(parts).map(({ op, slot, value, key, param, user }) => {
    const path = concretePath(op, Object.fromEntries(op.pathParams.map((p) => [p, segmentOf(param)])));
    if (!op.hasBody) return { what: `random path ${JSON.stringify(param)}`, method: op.method, path, user };
    const slots = stringSlots(op.body);
    const body = slots.length > 0 ? replaceAt(op.body, slots[slot % slots.length]!, value) : value;
    const isObject = typeof body === 'object' && body !== null && !Array.isArray(body);
    const sent = isObject ? { ...body, [key]: 1, [UNKNOWN_KEY]: 1 } : body;
    return { ...json(`random ${JSON.stringify(value)?.slice(0, 40)}`, op, path, sent), user };
  });
}

/** The property: any generated request is answered below 500. Stops at the first counterexample. */
async function fuzzRandom(target: FuzzTarget, ops: Operation[], opts: Required<EdgeFuzzOptions>) {
  const findings: FuzzFinding[] = [];
  const candidates = ops.filter((o) => o.hasBody || o.pathParams.length > 0);
  if (candidates.length === 0) return { runs: 0, findings };
  const fc = await import('fast-check');
  const property = fc.asyncProperty(randomAttack(fc, candidates, opts.users), async (a) => {
    const { status, body } = await send(target.url, a, opts.timeoutMs);
    if (isFinding(status)) findings.push(findingOf(target, a, status, body));
    return !isFinding(status);
  });
  const details = await fc.check(property, { numRuns: opts.numRuns, seed: opts.seed, endOnFailure: true });
  return { runs: details.numRuns, findings };
}

function fill(opts: EdgeFuzzOptions): Required<EdgeFuzzOptions> {
  return {
    users: opts.users ?? DEFAULT_USERS,
    numRuns: opts.numRuns ?? 60,
    seed: opts.seed ?? Date.now() % 1_000_000,
    concurrency: opts.concurrency ?? 4,
    timeoutMs: opts.timeoutMs ?? 10_000,
  };
}

/** The service's OpenAPI document (`SwaggerModule.setup('docs')` serves its JSON at /docs-json). */
export async function openApiOf(url: string): Promise<OpenApiDocument> {
  const res = await fetch(`${url}/docs-json`);
  if (!res.ok) throw new Error(`${url}/docs-json answered ${res.status}`);
  return (await res.json()) as OpenApiDocument;
}

/**
 * Fixed attacks on every operation, then the fast-check property over `numRuns` random ones; every answer ≥ 500
 * (or none at all) is a finding. Ends by checking the service still answers /health/ready.
 */
export async function fuzzService(target: FuzzTarget, options: EdgeFuzzOptions = {}): Promise<FuzzReport> {
  const opts = fill(options);
  // Tokens first, one user at a time: Keycloak may refuse a burst of first logins for the same user.
  for (const user of opts.users) {
    if (user) await waitFor(`a token for ${user}`, () => tokenFor(user), { timeoutMs: 20_000, intervalMs: 500 });
  }
  const ops = operationsOf(await openApiOf(target.url));
  const attacks = ops.flatMap(attacksOn).flatMap((d, i) => asEveryUser(d, i, opts.users));
  const fixed = await sendAll(target, attacks, opts);
  const random = await fuzzRandom(target, ops, opts);
  await waitFor(`${target.service} healthy after fuzzing`, async () => (await fetch(`${target.url}/health/ready`)).ok, {
    timeoutMs: 10_000,
  });
  return {
    sent: attacks.length + random.runs,
    operations: ops.length,
    seed: opts.seed,
    findings: [...fixed, ...random.findings],
  };
}
