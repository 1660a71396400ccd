import { classifyDependencyError } from '@uhr/platform';
import { loadStackEnv } from '@uhr/platform/testing';
import { JsonRpcProvider } from 'ethers';
import { Kafka, logLevel } from 'kafkajs';
import { Client as MinioClient } from 'minio';
import pg from 'pg';
import { DataSource } from 'typeorm';

// The errors the real libraries raise, not hand-made ones: what PostgreSQL refuses to store is a 400, a
// dependency that does not answer (nothing listens on port 1) a 503.
const env = loadStackEnv();
const CLOSED = '127.0.0.1:1';

async function errorOf(work: () => Promise<unknown>): Promise<unknown> {
  try {
    await work();
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to fail');
}

describe('PostgreSQL refusing a value → 400', () => {
  let ds: DataSource;
  beforeAll(async () => {
    ds = await new DataSource({ type: 'postgres', url: env.UHR_PG_URL }).initialize();
  });
  afterAll(async () => ds?.destroy());

  it.each([
    ['a NUL in text', 'select $1::text', ['a\u0000b'], '22021'],
    ['a \\u0000 escape in jsonb', `select '{"a":"\\u0000"}'::jsonb`, [], '22P05'],
    ['text that is not a uuid', 'select $1::uuid', ['x'], '22P02'],
  ])('%s', async (_what, sql, params, code) => {
    const err = await errorOf(() => ds.query(sql, params));
    expect(classifyDependencyError(err)).toMatchObject({ status: 400, code });
  });
});

describe('a dependency that does not answer → 503', () => {
  it('PostgreSQL through pg and through TypeORM', async () => {
    const client = new pg.Client({ connectionString: `postgres://u:p@${CLOSED}/x` });
    expect(classifyDependencyError(await errorOf(() => client.connect()))).toMatchObject({ status: 503 });
    const ds = new DataSource({ type: 'postgres', url: `postgres://u:p@${CLOSED}/x` });
    expect(classifyDependencyError(await errorOf(() => ds.initialize()))).toMatchObject({ status: 503 });
  });

  it('Kafka through kafkajs', async () => {
    const kafka = new Kafka({ brokers: [CLOSED], logLevel: logLevel.NOTHING, retry: { retries: 0 } });
    const producer = kafka.producer();
    const err = await errorOf(() => producer.connect());
    expect(classifyDependencyError(err)).toMatchObject({ status: 503, dependency: 'kafka' });
  });

  it('S3 through minio', async () => {
    const s3 = new MinioClient({ endPoint: '127.0.0.1', port: 1, useSSL: false, accessKey: 'a', secretKey: 'b' });
    const err = await errorOf(() => s3.getObject('uhr-probe', 'o'));
    expect(classifyDependencyError(err)).toMatchObject({ status: 503 });
  });

  it('the chain through ethers', async () => {
    const provider = new JsonRpcProvider(`http://${CLOSED}`, 31337, { staticNetwork: true });
    try {
      expect(classifyDependencyError(await errorOf(() => provider.getBlockNumber()))).toMatchObject({ status: 503 });
    } finally {
      provider.destroy();
    }
  });
});
