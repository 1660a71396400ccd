// The custody chain on the real servers: parties enrolled in the running registrar, the OrganCustody contract
// deployed to the running chain (scripts/deploy-custody.mjs), each hand-off co-signed and written on-chain; a
// missing signature is a CUSTODY_GAP, a wrong key refused, a laterality mismatch at check-in blocks the organ
// (and its transplant) until two clinicians reconcile it.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ORGAN_CUSTODY_TYPES, organCustodyAt, organCustodyDomain } from '@uhr/contracts';
import { chainIdOf, readDeployment } from '@uhr/platform';
import { loadStackEnv, waitFor } from '@uhr/platform/testing';
import { id, JsonRpcProvider, Wallet } from 'ethers';
import { aDonor, aKidney, aKidneyCandidate, zeroMismatch } from './builders.js';
import { startRegistry, type Registry, type Reply } from './harness.js';
import { enrolParty, type CustodyParty } from '../demo/parties.js';
import { ensureOrganCustody } from '../scripts/custody-deployment.js';

type Api = (method: string, path: string, body?: unknown) => Promise<Reply>;
const HOUR = 3_600_000;
const env = loadStackEnv();
// A stack deployed before OrganCustody existed gets a private one for this run (the shared file is left alone).
const deploymentsFile = join(tmpdir(), `uhr-organ-custody-${process.pid}.json`);
let deployment: ReturnType<typeof readDeployment>;
let r: Registry;
let bank: Api;
let hospital: Api;
let auditor: Api;
let organId: string;
let runId: string;
let opo: CustodyParty,
  lab: CustodyParty,
  courier: CustodyParty,
  centre: CustodyParty,
  surgeon: CustodyParty,
  nurse: CustodyParty;

type Prepared = {
  domain: Record<string, unknown>;
  types: Record<string, { name: string; type: string }[]>;
  message: Record<string, unknown>;
};

/** Prepares the next hand-off, has the parties sign it (either may be left out), and submits it. */
async function handOff(
  stage: string,
  from: CustodyParty,
  to: CustodyParty,
  opts: { observed?: unknown; skip?: 'from' | 'to'; toSigner?: Wallet } = {},
) {
  const body = { stage, fromId: from.id, toId: to.id, ...(opts.observed ? { observed: opts.observed } : {}) };
  const answer = await bank('POST', `/organs/${organId}/custody/prepare`, body);
  if (answer.status !== 200) return answer;
  const prepared = answer.body as Prepared;
  const sign = (w: Wallet) => w.signTypedData(prepared.domain, prepared.types, prepared.message);
  return bank('POST', `/organs/${organId}/custody/hand-offs`, {
    ...body,
    nonce: prepared.message.nonce,
    deadline: Number(prepared.message.deadline),
    ...(opts.skip === 'from' ? {} : { fromSignature: await sign(from.wallet) }),
    ...(opts.skip === 'to' ? {} : { toSignature: await sign(opts.toSigner ?? to.wallet) }),
  });
}

const allConfirmed = () =>
  waitFor(
    'custody facts confirmed on-chain',
    async () => {
      const events = (await auditor('GET', `/organs/${organId}/custody`)).body.events as {
        status: string;
        kind: string;
        txHash: string;
      }[];
      if (events.some((e) => e.status === 'rejected')) throw new Error(`rejected ${JSON.stringify(events)}`);
      return events.every((e) => e.status === 'confirmed') ? events : undefined;
    },
    { timeoutMs: 60_000, intervalMs: 200 },
  );

beforeAll(async () => {
  await ensureOrganCustody({ rpcUrl: env.UHR_CHAIN_RPC_URL!, from: env.UHR_DEPLOYMENTS_FILE!, to: deploymentsFile });
  deployment = readDeployment(deploymentsFile);
  r = await startRegistry({ UHR_DEPLOYMENTS_FILE: deploymentsFile });
  const [b, h, a] = await Promise.all(['organbank-1', 'provider-hospital', 'auditor-1'].map((u) => r.as(u)));
  [bank, hospital, auditor] = [b!, h!, a!];
  // One after another: the registrar's login is taken once and cached.
  opo = await enrolParty('opo', 'provider');
  [lab, courier, centre, surgeon, nurse] = await Promise.all([
    enrolParty('lab', 'provider'),
    enrolParty('courier', 'third-party'),
    enrolParty('centre', 'provider'),
    enrolParty('surgeon', 'provider'),
    enrolParty('nurse', 'provider'),
  ]);
  const donorId = (await bank('POST', '/donors', aDonor())).body.id;
  organId = (await bank('POST', '/organs', aKidney(donorId, new Date(r.clock.now().getTime() - HOUR).toISOString())))
    .body.id;
  await hospital('POST', '/candidates', aKidneyCandidate('cust-h1', zeroMismatch));
  runId = (await bank('POST', '/match-runs', { organId })).body.id;
  await bank('POST', `/match-runs/${runId}/offers`, {});
  await hospital('POST', `/allocations/${runId}/offers/cust-h1/accept`);
}, 180_000);

afterAll(async () => {
  await r?.close();
});

describe('custody chain', () => {
  it('starts with the procuring party, then a co-signed labelling hand-off, both on-chain', async () => {
    expect((await bank('POST', `/organs/${organId}/custody`, { custodianId: opo.id })).status).toBe(201);
    expect((await bank('POST', `/organs/${organId}/custody`, { custodianId: opo.id })).status).toBe(409);
    const res = await handOff('labelled', opo, lab);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ stage: 'labelled', seq: 1, blocked: false });
    await allConfirmed();
  });

  it('a missing signature is a CUSTODY_GAP (auditors alerted); a wrong key is refused naming the party', async () => {
    const gap = await handOff('in-transit', lab, courier, { skip: 'to' });
    expect(gap.status).toBe(422);
    expect(gap.body).toMatchObject({ error: 'CUSTODY_GAP', details: { missing: [{ field: 'toId' }] } });
    const alerts: unknown[] = await r.db.query(
      `select 1 from uhr_events where type = 'organ-registry.CustodyGapDetected'`,
    );
    expect(alerts).toHaveLength(1);
    const wrong = await handOff('in-transit', lab, courier, { toSigner: Wallet.createRandom() as unknown as Wallet });
    expect(wrong.status).toBe(400);
    expect(wrong.body).toMatchObject({ error: 'WrongSigner', details: { field: 'toId' } });
    expect((await handOff('checked-in', lab, courier)).status).toBe(409); // out of order
  });

  it('a laterality mismatch at check-in blocks the organ, its next hand-off and its transplant', async () => {
    expect((await handOff('in-transit', lab, courier)).status).toBe(201);
    const checkIn = await handOff('checked-in', courier, centre, { observed: { laterality: 'right', abo: 'A2' } });
    expect(checkIn.status).toBe(201);
    expect(checkIn.body.blocked).toBe(true);
    expect((await handOff('verified', centre, surgeon)).status).toBe(409);
    const transplant = await hospital('POST', `/allocations/${runId}/transplant`, { candidateId: 'cust-h1' });
    expect(transplant.status).toBe(409);
    expect(transplant.body.error).toBe('CustodyBlocked');
  });

  it('two different clinicians reconcile it; then verification and the transplant proceed', async () => {
    const state = (await auditor('GET', `/organs/${organId}/custody`)).body.state;
    const deadline = Math.floor(r.clock.now().getTime() / 1000) + 3600;
    const message = {
      organId: state.chainOrganId,
      clinicianA: chainIdOf(surgeon.id),
      clinicianB: chainIdOf(nurse.id),
      resolutionHash: id('left kidney confirmed by both; label misprinted'),
      nonce: '42',
      deadline: String(deadline),
    };
    const domain = organCustodyDomain({
      chainId: deployment.chainId,
      verifyingContract: deployment.contracts.OrganCustody!,
    });
    const types = { Reconciliation: [...ORGAN_CUSTODY_TYPES.Reconciliation] };
    const body = {
      clinicianA: surgeon.id,
      clinicianB: nurse.id,
      resolution: 'left kidney confirmed by both; label misprinted',
      nonce: '42',
      deadline,
      signatureA: await surgeon.wallet.signTypedData(domain, types, message),
    };
    const alone = await hospital('POST', `/organs/${organId}/custody/reconcile`, body);
    expect(alone.body.error).toBe('CUSTODY_GAP');
    const both = { ...body, signatureB: await nurse.wallet.signTypedData(domain, types, message) };
    const done = await hospital('POST', `/organs/${organId}/custody/reconcile`, both);
    expect(done.status).toBe(200);
    expect(done.body.blocked).toBe(false);
    expect((await handOff('verified', centre, surgeon)).status).toBe(201);
    expect((await hospital('POST', `/allocations/${runId}/transplant`, { candidateId: 'cust-h1' })).status).toBe(200);
  });

  it('every fact landed on OrganCustody, one transaction each, and the contract agrees', async () => {
    const events = await allConfirmed();
    expect(events.map((e) => e.kind)).toEqual([
      'register',
      'hand-off',
      'hand-off',
      'hand-off',
      'reconcile',
      'hand-off',
    ]);
    const hashes = new Set(events.map((e) => e.txHash));
    expect(hashes.size).toBe(6);
    const provider = new JsonRpcProvider(env.UHR_CHAIN_RPC_URL, deployment.chainId, { staticNetwork: true });
    try {
      const state = (await auditor('GET', `/organs/${organId}/custody`)).body.state;
      const onChain = await organCustodyAt(deployment.contracts.OrganCustody!, provider).getFunction('custodyOf')(
        state.chainOrganId,
      );
      expect([onChain[1], onChain[2], onChain[3], onChain[4]]).toEqual([chainIdOf(surgeon.id), 4n, 5n, false]);
    } finally {
      provider.destroy();
    }
  });

  it('BOLA: a centre cannot read the custody log or start custody; a patient cannot submit', async () => {
    expect((await hospital('GET', `/organs/${organId}/custody`)).status).toBe(403);
    expect((await hospital('POST', `/organs/${organId}/custody`, { custodianId: opo.id })).status).toBe(403);
    const patient = await r.as('patient-alice');
    expect((await patient('POST', `/organs/${organId}/custody/prepare`, {})).status).toBe(403);
  });
});
