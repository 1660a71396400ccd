// Offers down a match run on the real servers: a decline with its refusal code, an offer expiring at its
// deadline (injected clock), a restart mid-offer that loses nothing, an off-list transplant refused with an
// alert for auditors, one acceptance per candidate per organ type, and a bypass without a code flagged.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { OfferExpiryWorker } from '../src/allocation/offer-expiry.worker.js';
import { aDonor, aKidney, aKidneyCandidate, zeroMismatch } from './builders.js';
import { startRegistry, type Registry, type Reply } from './harness.js';

type Api = (method: string, path: string, body?: unknown) => Promise<Reply>;
let r: Registry;
let bank: Api;
let hospital: Api;
let clinic: Api;
let auditor: Api;
let donorId: string;
let runId: string;
const HOUR = 3_600_000;

const iso = (ms: number) => new Date(ms).toISOString();
const offers = async (id: string) =>
  (await bank('GET', `/allocations/${id}`)).body.offers.map(
    (o: { candidateId: string; status: string; code?: string }) => [o.candidateId, o.status, o.code ?? null],
  );
const integrityEvents = async (type: string) =>
  (await r.db.query(`select payload from uhr_events where type = $1 order by occurred_at, sequence`, [type])) as {
    payload: Record<string, unknown>;
  }[];

async function runFor(laterality: string): Promise<string> {
  const organ = await bank('POST', '/organs', aKidney(donorId, iso(r.clock.now().getTime() - HOUR), { laterality }));
  const run = await bank('POST', '/match-runs', { organId: organ.body.id });
  return run.body.id as string;
}

beforeAll(async () => {
  // A sweep only when the test asks for one: the clock moves by hand.
  r = await startRegistry({ UHR_ORGAN_REGISTRY_OFFER_SWEEP_MS: '60000' });
  const [b, h, c, a] = await Promise.all(
    ['organbank-1', 'provider-hospital', 'provider-clinic', 'auditor-1'].map((u) => r.as(u)),
  );
  [bank, hospital, clinic, auditor] = [b!, h!, c!, a!];
  // Ranked for an A2 kidney at KDPI 30: h-1 (0-ABDR), then c-1 (on dialysis since 2020), then h-2 (since 2024).
  await hospital('POST', '/candidates', aKidneyCandidate('h-1', zeroMismatch));
  await clinic('POST', '/candidates', aKidneyCandidate('c-1', { dialysisStartAt: '2020-01-01T00:00:00Z' }));
  await hospital('POST', '/candidates', aKidneyCandidate('h-2', { dialysisStartAt: '2024-01-01T00:00:00Z' }));
  donorId = (await bank('POST', '/donors', aDonor())).body.id;
  runId = await runFor('left');
});

afterAll(async () => {
  await r?.close();
});

describe('sequential offers', () => {
  it('starts with rank 1, due one hour later', async () => {
    const res = await bank('POST', `/match-runs/${runId}/offers`, {});
    expect(res.status).toBe(201);
    expect(res.body.offers).toMatchObject([
      { candidateId: 'h-1', rank: 1, status: 'open', expiresAt: iso(r.clock.now().getTime() + HOUR) },
    ]);
    expect((await bank('POST', `/match-runs/${runId}/offers`, {})).status).toBe(409);
  });

  it("only the candidate's centre answers; a decline needs a known refusal code", async () => {
    expect((await clinic('POST', `/allocations/${runId}/offers/h-1/accept`)).status).toBe(403);
    const bad = await hospital('POST', `/allocations/${runId}/offers/h-1/decline`, { code: 'TOO_FAR' });
    expect(bad.status).toBe(400);
    const ok = await hospital('POST', `/allocations/${runId}/offers/h-1/decline`, { code: 'DONOR_SIZE' });
    expect(ok.status).toBe(200);
    expect(await offers(runId)).toEqual([
      ['h-1', 'declined', 'DONOR_SIZE'],
      ['c-1', 'open', null],
    ]);
  });

  it('an unanswered offer expires at its deadline and moves on', async () => {
    const sweep = () => r.app.get(OfferExpiryWorker).sweep();
    r.clock.advance(HOUR - 1000);
    expect(await sweep()).toBe(0);
    r.clock.advance(1000);
    expect(await sweep()).toBe(1);
    expect(await offers(runId)).toEqual([
      ['h-1', 'declined', 'DONOR_SIZE'],
      ['c-1', 'expired', null],
      ['h-2', 'open', null],
    ]);
    expect((await clinic('POST', `/allocations/${runId}/offers/c-1/accept`)).status).toBe(409);
  });

  it('a restart mid-offer loses nothing: the open offer and its deadline survive', async () => {
    const before = (await bank('GET', `/allocations/${runId}`)).body;
    await r.restart();
    const after = (await bank('GET', `/allocations/${runId}`)).body;
    expect(after).toEqual(before);
    expect(after.offers[2]).toMatchObject({ candidateId: 'h-2', status: 'open' });
  });

  it('refuses an off-list transplant (OFF_LIST_TRANSPLANT) and tells auditors', async () => {
    const res = await clinic('POST', `/allocations/${runId}/transplant`, { candidateId: 'c-1' });
    expect(res.status).toBe(422);
    expect(res.body.error).toBe('OFF_LIST_TRANSPLANT');
    expect((await hospital('POST', `/allocations/${runId}/transplant`, { candidateId: 'stranger' })).status).toBe(422);
    const alerts = await integrityEvents('organ-registry.OffListTransplantRefused');
    expect(alerts.map((a) => a.payload.candidateId)).toEqual(['c-1', 'stranger']);
  });

  it('accepts, then records the transplant into the accepting candidate only', async () => {
    expect((await hospital('POST', `/allocations/${runId}/offers/h-2/accept`)).status).toBe(200);
    const done = await hospital('POST', `/allocations/${runId}/transplant`, { candidateId: 'h-2' });
    expect(done.status).toBe(200);
    expect((await auditor('GET', `/allocations/${runId}`)).body.transplantedInto).toBe('h-2');
  });

  it('BOLA: a centre sees only its own offers of a run', async () => {
    const mine = await clinic('GET', `/allocations/${runId}`);
    expect(mine.body.offers.map((o: { candidateId: string }) => o.candidateId)).toEqual(['c-1']);
    expect(mine.body.accepted).toBeNull();
    const list = await clinic('GET', '/offers');
    expect(list.body.map((o: { candidateId: string }) => o.candidateId)).toEqual(['c-1']);
  });
});

describe('out of sequence', () => {
  it('a bypass with a code passes, one without is flagged; a second kidney acceptance for h-2 is refused', async () => {
    const second = await runFor('right');
    await bank('POST', `/match-runs/${second}/offers`, {});
    expect((await bank('POST', `/allocations/${second}/bypass`, { candidateId: 'h-1', code: '861' })).status).toBe(200);
    expect((await bank('POST', `/allocations/${second}/bypass`, { candidateId: 'c-1' })).status).toBe(200);
    expect(await offers(second)).toEqual([
      ['h-1', 'bypassed', '861'],
      ['c-1', 'bypassed', null],
      ['h-2', 'open', null],
    ]);
    const bypasses = await integrityEvents('organ-registry.CandidateBypassed');
    expect(bypasses.map((b) => [b.payload.candidateId, b.payload.flagged])).toEqual([
      ['h-1', false],
      ['c-1', true],
    ]);
    const again = await hospital('POST', `/allocations/${second}/offers/h-2/accept`);
    expect(again.status).toBe(409);
    expect(again.body.error).toBe('AlreadyAccepted');
  });
});
