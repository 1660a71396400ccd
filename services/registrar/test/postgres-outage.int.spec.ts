import { randomUUID } from 'node:crypto';
import { startPrivatePostgres, tokenFor, waitFor, type PrivatePostgres } from '@uhr/platform/testing';
import { aPatient, startRegistrar, type RegistrarUnderTest } from './harness.js';

/**
 * PostgreSQL stopped for real under load (a private server: the shared stack is never touched). Every answer is
 * 202 or 503 with Retry-After, never a 500; every client then retries what was not acknowledged with the same
 * Idempotency-Key, and each command is stored exactly once.
 */
let pg: PrivatePostgres;
let r: RegistrarUnderTest;
beforeAll(async () => {
  pg = await startPrivatePostgres();
  r = await startRegistrar(undefined, { UHR_PG_URL: pg.url });
});
afterAll(async () => {
  await r?.close().catch(() => undefined);
  await pg?.close();
});

interface Command {
  key: string;
  patient: ReturnType<typeof aPatient>;
  answers: Array<{ status: number; retryAfter: string | null; body: any }>;
}

async function send(c: Command, token: string) {
  const res = await fetch(`${r.url}/identities`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'idempotency-key': c.key },
    body: JSON.stringify(c.patient),
  }).catch(() => undefined);
  if (!res) return;
  const text = await res.text();
  const answer = { status: res.status, retryAfter: res.headers.get('retry-after'), body: text ? JSON.parse(text) : {} };
  c.answers.push(answer);
  return answer;
}

/** Sends every command in `queue` with `workers` clients at once. */
async function drive(queue: Command[], workers: number, token: string) {
  let next = 0;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (next < queue.length) await send(queue[next++]!, token);
    }),
  );
}

const settled = (a: Command['answers'][number] | undefined) =>
  a !== undefined && (a.status === 202 || a.body.error === 'FirstAttemptCommitted');

const MINUTES_4 = 240_000;

it(
  'answers 503 with Retry-After, never 500, while PostgreSQL is down; retries with the key store each once',
  async () => {
    const token = await tokenFor('registrar-1');
    const commands: Command[] = Array.from({ length: 120 }, () => ({
      key: randomUUID(),
      patient: aPatient(),
      answers: [],
    }));
    const load = drive(commands, 6, token);
    const acknowledged = () => commands.filter((c) => c.answers[0]?.status === 202).length;
    await waitFor('10 commands acknowledged', () => acknowledged() >= 10, { timeoutMs: 60_000 });
    await pg.stop();
    await load;
    await pg.start();
    // The outage fell inside the load: some commands were acknowledged before it, some refused during it.
    const firstRound = commands.map((c) => c.answers[0]?.status);
    expect(firstRound.filter((s) => s === 202).length).toBeGreaterThan(0);
    expect(firstRound.filter((s) => s === 503).length).toBeGreaterThan(0);
    if (process.env.UHR_TEST_FIGURES) {
      const tally = (xs: Array<number | undefined>) =>
        xs.reduce<Record<string, number>>((t, x) => ({ ...t, [String(x)]: (t[String(x)] ?? 0) + 1 }), {});
      process.stderr.write(`first round: ${JSON.stringify(tally(firstRound))}\n`);
    }

    // Clients retry what was not acknowledged, with the same key, after Retry-After (bounded).
    const deadline = Date.now() + 150_000;
    for (;;) {
      const open = commands.filter((c) => !settled(c.answers.at(-1)));
      if (open.length === 0 || Date.now() > deadline) break;
      await drive(open, 6, token);
      if (commands.some((c) => !settled(c.answers.at(-1)))) await new Promise((res) => setTimeout(res, 1000));
    }

    const all = commands.flatMap((c) => c.answers);
    if (process.env.UHR_TEST_FIGURES) {
      const t = all.reduce<Record<string, number>>(
        (acc, a) => ({
          ...acc,
          [`${a.status} ${a.body.error ?? ''}`]: (acc[`${a.status} ${a.body.error ?? ''}`] ?? 0) + 1,
        }),
        {},
      );
      process.stderr.write(`all answers: ${JSON.stringify(t)}\n`);
    }
    expect(all.filter((a) => a.status >= 500 && a.status !== 503)).toEqual([]);
    const unavailable = all.filter((a) => a.status === 503);
    expect(unavailable.length).toBeGreaterThan(0);
    expect(unavailable.every((a) => Number(a.retryAfter) > 0 && a.body.error === 'DependencyUnavailable')).toBe(true);
    expect(all.every((a) => [202, 409, 503].includes(a.status))).toBe(true);
    expect(commands.filter((c) => !settled(c.answers.at(-1)))).toEqual([]);

    const rows: Array<{ address: string; n: string }> = await r.ds.query(
      `select payload->>'address' as address, count(distinct stream_id)::text as n from uhr_events
      where type = 'registrar.IdentityRegistered' group by 1`,
    );
    const stored = new Map(rows.map((x) => [x.address, Number(x.n)]));
    for (const c of commands) expect(stored.get(c.patient.address)).toBe(1);
    // Every acknowledgement, first or replayed, names the one identity stored.
    for (const c of commands) {
      const ids = new Set(c.answers.filter((a) => a.status === 202).map((a) => a.body.id));
      expect(ids.size).toBeLessThanOrEqual(1);
    }
  },
  MINUTES_4,
);
