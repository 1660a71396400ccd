import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import {
  loadStackEnv,
  sendWithKey,
  startPrivateS3,
  waitFor,
  type KeyedAnswer,
  type PrivateS3,
} from '@uhr/platform/testing';
import type { Party } from '../demo/client.js';
import { enrolParties, observation, startStack, type PartyName, type Stack } from './harness.js';

/**
 * S3 stopped for real under upload load (a private S3Proxy: the shared stack is never touched). Every answer is
 * 201 or 503 with Retry-After, never a 500; the client retries what was not acknowledged with the same
 * Idempotency-Key, and each upload is stored exactly once.
 */
let s3: PrivateS3;
let s: Stack;
let p: Record<PartyName, Party>;
beforeAll(async () => {
  const env = loadStackEnv();
  s3 = await startPrivateS3(env.UHR_S3_ACCESS_KEY!, env.UHR_S3_SECRET_KEY!);
  process.env.UHR_S3_ENDPOINT = s3.endpoint;
  s = await startStack();
  p = await enrolParties(s.env, s.recordsDb);
}, 180_000);
afterAll(async () => {
  await s?.close().catch(() => undefined);
  await s3?.close();
});

interface Upload {
  key: string;
  body: unknown;
  answers: KeyedAnswer[];
}

async function drive(queue: Upload[], workers: number) {
  let next = 0;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (next < queue.length) {
        const u = queue[next++]!;
        const a = await sendWithKey(s.recordsUrl, p.hospital.token, 'POST', '/records', u.body, u.key).catch(
          () => undefined,
        );
        if (a) u.answers.push(a);
      }
    }),
  );
}

const settled = (u: Upload) => u.answers.at(-1)?.status === 201;

it('answers 503 with Retry-After, never 500, while S3 is down; retries with the key store each upload once', async () => {
  const uploads: Upload[] = Array.from({ length: 80 }, (_, i) => ({
    key: randomUUID(),
    body: {
      patientId: p.alice.identityId,
      providerId: p.hospital.identityId,
      category: 'laboratory',
      title: `Outage ${i}`,
      fhir: observation(p.alice, 1000 + i),
    },
    answers: [],
  }));
  const load = drive(uploads, 6);
  await waitFor('10 uploads acknowledged', () => uploads.filter((u) => u.answers[0]?.status === 201).length >= 10, {
    timeoutMs: 60_000,
  });
  await s3.stop();
  await load;
  await s3.start();
  const firstRound = uploads.map((u) => u.answers[0]?.status);
  expect(firstRound.filter((x) => x === 503).length).toBeGreaterThan(0);

  const deadline = Date.now() + 120_000;
  while (uploads.some((u) => !settled(u)) && Date.now() < deadline) {
    await drive(
      uploads.filter((u) => !settled(u)),
      6,
    );
    if (uploads.some((u) => !settled(u))) await new Promise((res) => setTimeout(res, 1000));
  }

  const all = uploads.flatMap((u) => u.answers);
  if (process.env.UHR_TEST_FIGURES) {
    const t = all.reduce<Record<string, number>>((acc, a) => {
      const k = `${a.status} ${a.body?.error ?? ''}`;
      return { ...acc, [k]: (acc[k] ?? 0) + 1 };
    }, {});
    process.stderr.write(
      `first round: ${JSON.stringify(firstRound.filter((x) => x === 201).length)} acknowledged; all: ${JSON.stringify(t)}\n`,
    );
  }
  expect(all.filter((a) => a.status >= 500 && a.status !== 503)).toEqual([]);
  expect(all.filter((a) => a.status === 503).every((a) => Number(a.retryAfter) > 0)).toBe(true);
  expect(uploads.filter((u) => !settled(u))).toEqual([]);
  const rows = await s.recordsDb.query('select count(*)::int as n from records');
  expect(rows[0].n).toBe(uploads.length);
  for (const u of uploads) {
    expect(new Set(u.answers.filter((a) => a.status === 201).map((a) => a.body.record.id)).size).toBe(1);
  }
}, 300_000);
