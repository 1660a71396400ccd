// `npm run demo:organ-registry`: a donor's kidney through the organ registry running in the stack (:3006) —
// registered with its consent, matched by the published policy, the run replayed with equal hashes, an offer
// declined, one accepted, the custody chain co-signed hand-off by hand-off on OrganCustody, and the transplant.
// Prints each step. Needs the stack up (scripts/stack.sh up) with organ-registry built and OrganCustody deployed
// (`npm run deploy:custody -w @uhr/organ-registry` on a chain deployed before it existed).
import { loadStackEnv, waitFor } from '@uhr/platform/testing';
import type { Wallet } from 'ethers';
import { apiAs } from './http.js';
import { enrolParty, type CustodyParty } from './parties.js';

const env = loadStackEnv();
const BASE = process.env.UHR_ORGAN_REGISTRY_DEMO_URL ?? env.UHR_ORGAN_REGISTRY_URL ?? 'http://127.0.0.1:3006';
const say = (s: string) => console.log(`demo: ${s}`);

/** As `username`, throwing on any refusal: the demo's steps must all succeed. */
async function as(username: string) {
  const api = await apiAs(() => BASE, username);
  return async (method: string, path: string, body?: unknown) => {
    const res = await api(method, path, body);
    if (res.status >= 400) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);

    return res.body as any;
  };
}

const tag = Date.now().toString(36);
const candidate = (id: string, over: Record<string, unknown>) => ({
  id: `${id}-${tag}`,
  organ: 'kidney',
  abo: 'A',
  hla: { A: ['A1', 'A3'], B: ['B7', 'B8'], DR: ['DR4', 'DR7'] },
  unacceptable: [],
  cpra: 0,
  registeredAt: '2024-06-01T00:00:00Z',
  paediatric: false,
  priorLivingDonor: false,
  location: { lat: 40.0, lon: -75.2 },
  ...over,
});

async function main() {
  const bank = await as('organbank-1');
  const hospital = await as('provider-hospital');
  const clinic = await as('provider-clinic');
  const auditor = await as('auditor-1');

  const first = candidate('clinic-a', { hla: { A: ['A1', 'A2'], B: ['B8', 'B44'], DR: ['DR3', 'DR4'] } });
  const second = candidate('hosp-b', { dialysisStartAt: '2021-03-01T00:00:00Z' });
  await clinic('POST', '/candidates', first);
  await hospital('POST', '/candidates', second);
  say(`centres listed ${first.id} (clinic, 0-ABDR) and ${second.id} (hospital, 4+ years on dialysis)`);

  const consent = Buffer.from(`%PDF-1.4 donation consent ${tag}`).toString('base64');
  const donor = await bank('POST', '/donors', {
    kind: 'deceased',
    identity: { name: 'Demo Donor', nationalId: `DEMO-${tag}` },
    consent: { mediaType: 'application/pdf', contentBase64: consent },
  });
  say(
    `donor ${donor.id}: consent hash ${String(donor.consentHash).slice(0, 18)}… queued for anchoring (no name on-chain)`,
  );
  const clampedAt = new Date(Date.now() - 2 * 3_600_000).toISOString();
  const organ = await bank('POST', '/organs', {
    donorId: donor.id,
    type: 'kidney',
    laterality: 'left',
    abo: 'A2',
    hla: { A: ['A1', 'A2'], B: ['B8', 'B44'], DR: ['DR3', 'DR4'] },
    crossClampAt: clampedAt,
    kdpi: 28,
    procurementHospital: { id: 'demo-opo', name: 'Demo OPO', location: { lat: 39.95, lon: -75.16 } },
  });
  say(`organ ${organ.id}: left kidney, A2, KDPI 28, cross-clamped ${clampedAt}`);

  const run = await bank('POST', '/match-runs', { organId: organ.id });
  say(
    `match run ${run.id} (policy ${run.policyVersion}, sequence ${run.sequence}): ${run.rankedCount} ranked, ${run.ineligibleCount} ineligible`,
  );
  say(`  inputs ${String(run.inputsHash).slice(0, 18)}…  result ${String(run.resultHash).slice(0, 18)}…`);
  const replay = await waitFor(
    'the run anchored on-chain',
    async () => {
      const r = await auditor('POST', `/match-runs/${run.id}/replay`, {});
      return r.anchor.verifiedOnChain ? r : undefined;
    },
    { timeoutMs: 60_000, intervalMs: 500 },
  );
  say(
    `replay by the auditor: hashes equal = ${replay.equal}, anchor verified by Anchors = ${replay.anchor.verifiedOnChain}`,
  );

  const full = await bank('GET', `/match-runs/${run.id}`);
  const ours = full.ranked.filter((e: { candidateId: string }) => [first.id, second.id].includes(e.candidateId));
  for (const e of ours) say(`  rank ${e.rank}: ${e.candidateId} class ${e.classId}, ${e.points.total} points`);

  let allocation = await bank('POST', `/match-runs/${run.id}/offers`, {});
  const offered = () =>
    allocation.offers.find((o: { status: string }) => o.status === 'open') as
      { candidateId: string; centre: string } | undefined;
  // Others' candidates from earlier runs may rank first: the organ bank bypasses them with a valid AOOS code.
  while (offered() && ![first.id, second.id].includes(offered()!.candidateId))
    allocation = await bank('POST', `/allocations/${run.id}/bypass`, {
      candidateId: offered()!.candidateId,
      code: '799',
    });
  const declinedBy = offered()!.candidateId;
  const declining = declinedBy === first.id ? clinic : hospital;
  await declining('POST', `/allocations/${run.id}/offers/${declinedBy}/decline`, { code: 'DONOR_SIZE' });
  say(`offer to ${declinedBy} declined (DONOR_SIZE)`);
  allocation = await bank('GET', `/allocations/${run.id}`);
  while (offered() && ![first.id, second.id].includes(offered()!.candidateId))
    allocation = await bank('POST', `/allocations/${run.id}/bypass`, {
      candidateId: offered()!.candidateId,
      code: '799',
    });
  const acceptedBy = offered()!.candidateId;
  const accepting = acceptedBy === first.id ? clinic : hospital;
  await accepting('POST', `/allocations/${run.id}/offers/${acceptedBy}/accept`, {});
  say(`offer to ${acceptedBy} accepted`);

  const [opo, lab, courier, centre, surgeon] = await Promise.all([
    enrolParty('OPO', 'provider'),
    enrolParty('label printer', 'provider'),
    enrolParty('courier', 'third-party'),
    enrolParty('transplant centre', 'provider'),
    enrolParty('surgeon', 'provider'),
  ]);
  await bank('POST', `/organs/${organ.id}/custody`, { custodianId: opo.id });
  say(`custody opened with the OPO (${opo.id})`);
  const handOff = async (stage: string, from: CustodyParty, to: CustodyParty, observed?: unknown) => {
    const body = { stage, fromId: from.id, toId: to.id, ...(observed ? { observed } : {}) };
    const p = await bank('POST', `/organs/${organ.id}/custody/prepare`, body);
    const sign = (w: Wallet) => w.signTypedData(p.domain, p.types, p.message);
    await bank('POST', `/organs/${organ.id}/custody/hand-offs`, {
      ...body,
      nonce: p.message.nonce,
      deadline: Number(p.message.deadline),
      fromSignature: await sign(from.wallet),
      toSignature: await sign(to.wallet),
    });
    say(`  ${stage}: ${from.name} → ${to.name}, signed by both`);
  };
  await handOff('labelled', opo, lab);
  await handOff('in-transit', lab, courier);
  await handOff('checked-in', courier, centre, { laterality: 'left', abo: 'A2' });
  await handOff('verified', centre, surgeon);
  const custody = await waitFor(
    'every hand-off on OrganCustody',
    async () => {
      const c = await auditor('GET', `/organs/${organ.id}/custody`);
      return c.events.every((e: { status: string }) => e.status === 'confirmed') ? c : undefined;
    },
    { timeoutMs: 60_000, intervalMs: 500 },
  );
  say(`custody chain on-chain: ${custody.events.length} transactions, organ at stage ${custody.state.stage}`);

  await accepting('POST', `/allocations/${run.id}/transplant`, { candidateId: acceptedBy });
  say(`transplant recorded into ${acceptedBy}; the cold-ischemia clock stopped`);
  const log = await auditor('GET', `/audit/access?resourceId=${organ.id}`);
  say(`${log.length} reads of the organ in the access log, each visible to auditors`);
}

main().catch((err: Error) => {
  console.error(`demo failed: ${err.message}`);
  process.exit(1);
});
