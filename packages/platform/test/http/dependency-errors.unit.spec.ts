import { BadRequestException, type ArgumentsHost } from '@nestjs/common';
import { makeError } from 'ethers';
import {
  KafkaJSConnectionError,
  KafkaJSNonRetriableError,
  KafkaJSNumberOfRetriesExceeded,
  KafkaJSRequestTimeoutError,
} from 'kafkajs';
import { S3Error } from 'minio';
import pino from 'pino';
import { QueryFailedError } from 'typeorm';
import { classifyDependencyError } from '../../src/http/dependency-errors.js';
import { EdgeInputError } from '../../src/http/edge-input.js';
import { HttpErrorFilter, NotFoundError } from '../../src/http/errors.js';

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });
const pgError = (code: string) => Object.assign(new Error(`pg ${code}`), { name: 'error', code, severity: 'FATAL' });
const queryFailed = (driverError: Error) => new QueryFailedError('select 1', [], driverError);
const s3Error = (code: string) => Object.assign(new S3Error(code), { code });
const refused = () => {
  const agg = new AggregateError([withCode('connect ECONNREFUSED ::1:5432', 'ECONNREFUSED')], '');
  return Object.assign(agg, { code: 'ECONNREFUSED' });
};

const unavailable: Array<[string, unknown, string]> = [
  ['pg ECONNREFUSED (AggregateError)', refused(), 'network'],
  ['pg Connection terminated unexpectedly', new Error('Connection terminated unexpectedly'), 'postgres'],
  [
    'TypeORM over connection timeout',
    queryFailed(new Error('Connection terminated due to connection timeout')),
    'postgres',
  ],
  ...['57P01', '57P02', '57P03', '08000', '08003', '08006', '53300'].map((c): [string, unknown, string] => [
    `pg ${c} in a QueryFailedError`,
    queryFailed(pgError(c)),
    'postgres',
  ]),
  ['kafkajs connection error', new KafkaJSConnectionError('Connection error: connect ECONNREFUSED'), 'kafka'],
  ['kafkajs request timeout', new KafkaJSRequestTimeoutError('Request Produce timed out'), 'kafka'],
  [
    'kafkajs retries exceeded wrapping a connection error',
    new KafkaJSNumberOfRetriesExceeded(new KafkaJSConnectionError('refused'), { retryCount: 5, retryTime: 100 }),
    'kafka',
  ],
  [
    'kafkajs non-retriable with a connection error as its cause',
    (() => {
      const cause = new KafkaJSConnectionError('refused');
      return Object.assign(new KafkaJSNonRetriableError(cause), { cause });
    })(),
    'kafka',
  ],
  ['minio socket error', withCode('connect ECONNREFUSED 127.0.0.1:59000', 'ECONNREFUSED'), 'network'],
  ['minio reset', withCode('socket hang up', 'ECONNRESET'), 'network'],
  ['S3 SlowDown', s3Error('SlowDown'), 's3'],
  ['S3 ServiceUnavailable', s3Error('ServiceUnavailable'), 's3'],
  ['ethers NETWORK_ERROR', makeError('network changed', 'NETWORK_ERROR', { event: 'changed' }), 'chain'],
  ['ethers SERVER_ERROR', makeError('server error', 'SERVER_ERROR', { request: undefined as never }), 'chain'],
  ['ethers TIMEOUT', makeError('timeout', 'TIMEOUT', { operation: 'request', reason: 'timeout' }), 'chain'],
  [
    'ethers UNKNOWN_ERROR around a refused socket',
    makeError('could not coalesce', 'UNKNOWN_ERROR', { error: withCode('fetch failed', 'ECONNREFUSED') }),
    'network',
  ],
  ['fetch failed, refused', new TypeError('fetch failed', { cause: withCode('refused', 'ECONNREFUSED') }), 'network'],
];

describe('classifyDependencyError', () => {
  it.each(unavailable)('%s → 503 (%s)', (_what, err, dependency) => {
    expect(classifyDependencyError(err)).toMatchObject({ status: 503, dependency });
  });

  it.each(['22P05', '22021'])('pg %s (text the database cannot store) → 400', (code) => {
    expect(classifyDependencyError(queryFailed(pgError(code)))).toMatchObject({ status: 400, code });
  });

  it.each([
    ['a plain bug', new TypeError("Cannot read properties of undefined (reading 'x')")],
    ['a unique violation (the use case should have mapped it)', queryFailed(pgError('23505'))],
    ['ethers CALL_EXCEPTION (a revert, not an outage)', makeError('reverted', 'CALL_EXCEPTION', {} as never)],
    ['S3 NoSuchKey', s3Error('NoSuchKey')],
    ['a string', 'boom'],
    [
      'a self-referencing cause',
      (() => {
        const e = new Error('loop') as Error & { cause?: unknown };
        e.cause = e;
        return e;
      })(),
    ],
  ])('%s → undefined (500)', (_what, err) => expect(classifyDependencyError(err)).toBeUndefined());
});

function answer(exception: unknown) {
  const sent: { status?: number; headers: Record<string, string>; body?: Record<string, unknown> } = { headers: {} };
  const res = {
    status(n: number) {
      sent.status = n;
      return res;
    },
    setHeader(name: string, value: string) {
      sent.headers[name] = value;
    },
    json(body: Record<string, unknown>) {
      sent.body = body;
    },
  };
  const host = { switchToHttp: () => ({ getResponse: () => res, getRequest: () => ({}) }) } as unknown as ArgumentsHost;
  new HttpErrorFilter(pino({ level: 'silent' })).catch(exception, host);
  return sent;
}

describe('HttpErrorFilter', () => {
  it('answers a dependency outage 503 with Retry-After', () => {
    const sent = answer(queryFailed(pgError('57P01')));
    expect(sent.status).toBe(503);
    expect(sent.headers['Retry-After']).toBe('5');
    expect(sent.body).toMatchObject({ statusCode: 503, error: 'DependencyUnavailable' });
    expect(JSON.stringify(sent.body)).not.toContain('57P01');
  });

  it('answers untranslatable text 400', () => {
    expect(answer(queryFailed(pgError('22P05')))).toMatchObject({ status: 400, body: { error: 'UnstorableInput' } });
  });

  it('answers an edge refusal, direct or as an HttpException cause, 400 with fields', () => {
    const edge = new EdgeInputError([{ path: 'title', reason: 'contains a NUL character' }]);
    const expected = {
      status: 400,
      body: { statusCode: 400, error: 'ValidationFailed', fields: { title: ['contains a NUL character'] } },
    };
    expect(answer(edge)).toMatchObject(expected);
    expect(answer(new BadRequestException(edge.message, { cause: edge }))).toMatchObject(expected);
  });

  it('names fields called constructor or __proto__ (own keys of the answer, not the prototype)', () => {
    const edge = new EdgeInputError([
      { path: 'constructor', reason: '"constructor" is a reserved name' },
      { path: '__proto__', reason: '"__proto__" is a reserved name' },
    ]);
    const fields = answer(edge).body?.fields as Record<string, string[]>;
    expect(Object.keys(fields)).toEqual(['constructor', '__proto__']);
    expect(JSON.parse(JSON.stringify(fields))).toEqual(
      JSON.parse(
        '{"constructor":["\\"constructor\\" is a reserved name"],"__proto__":["\\"__proto__\\" is a reserved name"]}',
      ),
    );
  });

  it('keeps domain errors and bugs as they were', () => {
    expect(answer(new NotFoundError('IdentityNotFound', 'no such identity'))).toMatchObject({
      status: 404,
      body: { error: 'IdentityNotFound' },
    });
    const bug = answer(new Error('secret internals'));
    expect(bug).toMatchObject({ status: 500, body: { error: 'InternalError', message: 'internal error' } });
    expect(bug.headers).toEqual({});
  });
});
