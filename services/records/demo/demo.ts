// The paper's Figure 4 against the running platform: `npm run demo -w @uhr/records`.
// A registrar enrols a patient, a hospital and a pharmacy; the hospital adds a lab report; the patient accepts
// it and shares it once with the pharmacy; the pharmacy reads it once and is refused the second time; the
// patient revokes the hospital's access to a category and reads the access log. Each step prints its on-chain
// transaction; at the end, what each party was notified of (the events on Kafka naming them).
import { readDeployment } from '@uhr/platform';
import { loadStackEnv, tokenFor } from '@uhr/platform/testing';
import { Kafka, logLevel } from 'kafkajs';
import { call, enrolStoryParties, signedRead, signTyped, until, type Party } from './client.js';

const env = loadStackEnv();
const REGISTRAR = env.UHR_REGISTRAR_URL ?? 'http://127.0.0.1:3001';
const CONSENT = env.UHR_CONSENT_URL ?? 'http://127.0.0.1:3002';
const RECORDS = env.UHR_RECORDS_URL ?? 'http://127.0.0.1:3003';
const deployment = readDeployment(env.UHR_DEPLOYMENTS_FILE ?? '.uhr/deployments.json');
const gatekeeper = { chainId: deployment.chainId, verifyingContract: deployment.contracts.Relationships! };
const TOPICS = [
  'uhr.records.record.v1',
  'uhr.records.access.v1',
  'uhr.consent.grant.v1',
  'uhr.consent.access-request.v1',
  'uhr.consent.break-glass.v1',
];

let step = 0;
const say = (title: string, lines: Record<string, unknown> = {}) => {
  console.log(`\n${++step}. ${title}`);
  for (const [k, v] of Object.entries(lines))
    console.log(`   ${k.padEnd(14)} ${typeof v === 'string' ? v : JSON.stringify(v)}`);
};
const must = <T>(r: { status: number; body: T }, want: number, what: string): T => {
  if (r.status !== want) throw new Error(`${what}: HTTP ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
};

async function main() {
  const started = new Date().toISOString();
  const heard: Array<{ type: string; payload: Record<string, unknown> }> = [];
  let seen = 0;
  const kafka = new Kafka({
    clientId: 'uhr-demo',
    brokers: (env.UHR_KAFKA_BROKERS ?? '127.0.0.1:59092').split(','),
    logLevel: logLevel.NOTHING,
  });
  const consumer = kafka.consumer({ groupId: `uhr-demo-${Date.now()}` });
  await consumer.connect();
  const admin = kafka.admin();
  await admin.connect();
  const existing = new Set(await admin.listTopics());
  await admin.disconnect();
  // Listen from now on: join the group (offsets start at the end) before anything happens.
  const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
  await consumer.subscribe({ topics: TOPICS.filter((t) => existing.has(t)), fromBeginning: false });
  await consumer.run({
    eachMessage: async ({ message }) => {
      seen += 1;
      const e = JSON.parse(message.value?.toString() ?? '{}') as {
        type: string;
        occurredAt: string;
        payload: Record<string, unknown>;
      };
      if (e.occurredAt >= started) heard.push(e);
    },
  });
  await Promise.race([joined, new Promise((r) => setTimeout(r, 30_000))]);

  const registrar = await tokenFor('registrar-1');
  const { patient: alice, hospital, pharmacy } = await enrolStoryParties(REGISTRAR);
  const names = new Map([alice, hospital, pharmacy].map((p) => [p.subject, p.username]));
  for (const party of [alice, hospital, pharmacy]) {
    const id = must(await call(REGISTRAR, registrar, 'GET', `/identities/${party.identityId}`), 200, 'identity');
    say(`registrar enrols ${party.username}`, {
      identity: party.identityId,
      key: party.wallet.address,
      'Registrar tx': id.chain.txHash,
    });
  }
  // The services learn identities from the registrar's events; wait until records knows the three of them.
  await until(
    'records/consent to learn the identities',
    async () => {
      const r = await call(RECORDS, hospital.token, 'POST', '/records', {
        patientId: alice.identityId,
        providerId: hospital.identityId,
        category: 'laboratory',
        title: 'probe',
        fhir: {},
      });
      return r.status === 400;
    },
    60_000,
  );

  // The hospital adds a lab report: encrypted into S3, its hash anchored through Relationships.
  const up = must(
    await call(RECORDS, hospital.token, 'POST', '/records', {
      patientId: alice.identityId,
      providerId: hospital.identityId,
      category: 'laboratory',
      title: 'Lipid panel',
      fhir: {
        resourceType: 'DiagnosticReport',
        status: 'final',
        code: { coding: [{ system: 'http://loinc.org', code: '57698-3', display: 'Lipid panel with direct LDL' }] },
        subject: { reference: `Patient/${alice.identityId}` },
        conclusion: 'LDL 3.1 mmol/L',
      },
    }),
    201,
    'upload',
  );
  const recordId = up.record.id as string;
  must(
    await call(RECORDS, hospital.token, 'POST', `/records/${recordId}/anchor`, {
      nonce: up.toSign.message.nonce,
      deadline: up.toSign.message.deadline,
      signature: await signTyped(hospital.wallet, up.toSign),
    }),
    202,
    'anchor',
  );
  const pending = await until('record anchored', async () => {
    const r = (await call(RECORDS, hospital.token, 'GET', `/records/${recordId}`)).body;
    return r.status === 'pending' ? r : undefined;
  });
  say('provider-hospital adds a lab report (AES-256-GCM in S3; its hash a leaf of a Merkle batch on-chain)', {
    record: recordId,
    contentHash: pending.contentHash,
    'batch root': pending.chain.batchRoot,
    'anchorBatch tx': pending.chain.anchorTxHash,
  });

  // The patient accepts it with an EIP-712 signature; the answer is anchored with the next batch.
  const rr = must(
    await call(RECORDS, alice.token, 'GET', `/records/${recordId}/response-request?accept=true`),
    200,
    'response-request',
  );
  must(
    await call(RECORDS, alice.token, 'POST', `/records/${recordId}/response`, {
      accept: true,
      nonce: rr.message.nonce,
      deadline: rr.message.deadline,
      signature: await signTyped(alice.wallet, rr),
    }),
    202,
    'accept',
  );
  const accepted = await until('record accepted', async () => {
    const r = (await call(RECORDS, alice.token, 'GET', `/records/${recordId}`)).body;
    return r.status === 'accepted' ? r : undefined;
  });
  say('patient-alice accepts the record (signed RespondToRecords; its answer a leaf of the next batch)', {
    'batch root': accepted.chain.responseBatchRoot,
    'anchorBatch tx': accepted.chain.responseTxHash,
  });

  const issue = async (
    grantee: Party,
    terms: { recordIds: string[]; categories: string[]; purpose: string; maxUses: number },
  ) => {
    const now = Math.floor(Date.now() / 1000);
    const body = {
      patientId: alice.identityId,
      granteeId: grantee.identityId,
      validFrom: now - 5,
      validUntil: now + 3600,
      ...terms,
    };
    const prep = must(await call(CONSENT, alice.token, 'POST', '/grants/prepare', body), 200, 'prepare grant');
    must(
      await call(CONSENT, alice.token, 'POST', '/grants', {
        ...body,
        grantId: prep.grantId,
        nonce: prep.nonce,
        deadline: prep.deadline,
        signature: await signTyped(alice.wallet, prep.toSign),
      }),
      202,
      'grant',
    );
    return until('grant active', async () => {
      const g = (await call(CONSENT, alice.token, 'GET', `/grants/${prep.grantId}`)).body;
      if (g.status === 'rejected') throw new Error(`grant rejected: ${g.chain.error}`);
      return g.status === 'active' ? g : undefined;
    });
  };

  const once = await issue(pharmacy, { recordIds: [recordId], categories: [], purpose: 'dispensing', maxUses: 1 });
  say('patient-alice grants pharmacist-1 one-time access for dispensing (signed Grant)', {
    grant: once.id,
    'Consent tx': once.chain.issueTxHash,
  });

  const first = await call(
    RECORDS,
    pharmacy.token,
    'POST',
    `/records/${recordId}/read`,
    await signedRead(pharmacy.wallet, gatekeeper, recordId, 'dispensing'),
  );
  must(first, 200, 'first read');
  say('pharmacist-1 reads it (signed query; grant consumed on-chain; hash checked before decryption)', {
    basis: first.body.basis,
    verified: first.body.contentHash,
    conclusion: first.body.resource.conclusion,
    audit: first.body.auditId,
  });
  const second = await call(
    RECORDS,
    pharmacy.token,
    'POST',
    `/records/${recordId}/read`,
    await signedRead(pharmacy.wallet, gatekeeper, recordId, 'dispensing', { grantId: once.chainId }),
  );
  say('pharmacist-1 tries again', {
    status: second.status,
    refused: second.body.error,
    audit: second.body.details?.auditId,
  });

  const labs = await issue(hospital, { recordIds: [], categories: ['laboratory'], purpose: 'treatment', maxUses: 0 });
  say('patient-alice grants provider-hospital the laboratory category for treatment', {
    grant: labs.id,
    'Consent tx': labs.chain.issueTxHash,
  });
  const rp = must(await call(CONSENT, alice.token, 'POST', `/grants/${labs.id}/revoke/prepare`), 200, 'prepare revoke');
  must(
    await call(CONSENT, alice.token, 'POST', `/grants/${labs.id}/revoke`, {
      nonce: rp.nonce,
      deadline: rp.deadline,
      signature: await signTyped(alice.wallet, rp.toSign),
    }),
    202,
    'revoke',
  );
  const revoked = await until('grant revoked', async () => {
    const g = (await call(CONSENT, alice.token, 'GET', `/grants/${labs.id}`)).body;
    return g.status === 'revoked' ? g : undefined;
  });
  const underRevoked = await call(
    RECORDS,
    hospital.token,
    'POST',
    `/records/${recordId}/read`,
    await signedRead(hospital.wallet, gatekeeper, recordId, 'treatment', { grantId: labs.chainId }),
  );
  say('patient-alice revokes the hospital’s laboratory grant (signed Revoke)', {
    'Consent tx': revoked.chain.revokeTxHash,
    'read under it': `${underRevoked.status} ${underRevoked.body.error}`,
  });

  const log = must(await call(RECORDS, alice.token, 'GET', `/records/${recordId}/access-log`), 200, 'access log');
  say('patient-alice reads the access log of her record (FHIR AuditEvents)');
  for (const e of [...log].reverse()) {
    console.log(
      `   ${e.recordedAt}  ${(names.get(e.readerSubject) ?? e.readerSubject).padEnd(18)} ${e.outcome.padEnd(8)} ${e.reason ?? e.auditEvent.entity?.[2]?.detail?.[0]?.valueString ?? ''}`,
    );
  }
  const proof = await until(
    'audit batch anchored',
    async () => {
      const r = await call(RECORDS, alice.token, 'GET', `/access-log/${log[0].id}/proof`);
      return r.status === 200 && r.body.verifiedOnChain ? r.body : undefined;
    },
    30_000,
  );
  say('the log is Merkle-anchored: inclusion proof of the latest entry, checked by Anchors.verify', {
    root: proof.root,
    seq: proof.seq,
    'Anchors tx': proof.anchorTxHash,
    verified: proof.verifiedOnChain,
  });

  const expected = [
    'records.RecordAdded',
    'records.RecordAccepted',
    'consent.GrantIssued',
    'records.RecordRead',
    'records.AccessDenied',
    'consent.GrantRevoked',
  ];
  await until(
    'notifications on Kafka',
    async () => expected.every((t) => heard.some((e) => e.type === t)),
    45_000,
  ).catch(() => console.log(`   (only ${heard.length} of ${seen} events on Kafka are from this run so far)`));
  // Internal steps (GrantRequested, RecordUploaded, …) are not notifications; these are.
  const NOTIFY = new Set([
    'records.RecordAdded',
    'records.RecordAccepted',
    'records.RecordRejected',
    'consent.GrantIssued',
    'consent.GrantRevoked',
    'consent.GrantExpired',
    'records.RecordRead',
    'records.AccessDenied',
    'records.IntegrityViolationDetected',
    'consent.AccessRequested',
    'consent.BreakGlassUsed',
  ]);
  say('what each party was told (events on Kafka naming them)');
  for (const party of [alice, hospital, pharmacy]) {
    const mine = heard.filter(
      (e) =>
        NOTIFY.has(e.type) &&
        Object.entries(e.payload).some(
          ([k, v]) =>
            k.endsWith('Subject') &&
            v === party.subject &&
            (k !== 'readerSubject' || e.type === 'records.AccessDenied' || party === alice),
        ),
    );
    console.log(`   ${party.username}:`);
    for (const e of mine)
      console.log(
        `     - ${e.type}${e.payload.recordId ? ` record ${String(e.payload.recordId).slice(0, 8)}` : ''}${e.payload.grantId && !String(e.payload.grantId).startsWith('0x') ? ` grant ${String(e.payload.grantId).slice(0, 8)}` : ''}${e.payload.readerSubject && e.payload.readerSubject !== party.subject ? ` by ${names.get(String(e.payload.readerSubject)) ?? 'someone'}` : ''}${e.payload.reason ? ` (${String(e.payload.reason)})` : ''}`,
      );
  }
  await consumer.disconnect();
}

main().then(
  () => process.exit(0),
  (err: Error) => {
    console.error(`demo failed: ${err.message}`);
    process.exit(1);
  },
);
