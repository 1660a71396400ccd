// FHIR R4 on upload and Provenance (ADR 0018), against the shared stack: every upload flow — the one-request
// signed upload, the two-step upload and each member of a bulk batch — refuses invalid R4 with a 400 naming the
// element and the rule, storing nothing; GET /records/:id/provenance answers valid R4 to the record's parties only.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { call, presignedUpload, until, type Party } from '../demo/client.js';
import { fhirR4Validator } from '../src/records/domain/fhir-r4/fhir-r4-validator.js';
import { INVALID, VALID } from './fhir-fixtures.js';
import { enrolParties, startStack, type PartyName, type Stack } from './harness.js';

let s: Stack;
let p: Record<PartyName, Party>;

const rec = (token: string, method: string, path: string, body?: unknown) =>
  call(s.recordsUrl, token, method, path, body);

/** A fixture made about `patient` (its Patient/<id> in whichever element the fixture uses). */
function about(patient: Party, resource: Record<string, unknown>): Record<string, unknown> {
  const ref = { reference: `Patient/${patient.identityId}` };
  const out: Record<string, unknown> = { ...resource };
  for (const k of ['subject', 'patient']) if (k in out) out[k] = ref;
  return out;
}

const unsigned = (author: Party, patient: Party, fhir: Record<string, unknown>) => ({
  patientId: patient.identityId,
  providerId: author.identityId,
  category: 'laboratory',
  title: 'FHIR check',
  fhir,
});

const storedCount = async () => (await s.recordsDb.query('select count(*)::int as n from records'))[0].n as number;

const issues = (body: { details?: { fhir?: Array<{ field: string; path: string; rule: string }> } }) =>
  (body.details?.fhir ?? []).map((x) => [x.field, x.path, x.rule]);

beforeAll(async () => {
  s = await startStack();
  p = await enrolParties(s.env, s.recordsDb);
});

afterAll(async () => {
  await s?.close();
});

describe('FHIR R4 on upload', () => {
  it('refuses invalid R4 on the two-step upload, naming the element and the rule, storing nothing', async () => {
    const before = await storedCount();
    const res = await rec(
      p.hospital.token,
      'POST',
      '/records',
      unsigned(p.hospital, p.alice, about(p.alice, INVALID.observationBroken)),
    );
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('ValidationFailed');
    expect(res.body.fields['fhir.status']).toEqual([
      'Observation.status: Observation.status is required (minimum cardinality 1) (required)',
    ]);
    expect(issues(res.body)).toEqual([
      ['fhir.valueQuantity.value', 'Observation.valueQuantity.value', 'type'],
      ['fhir.interpretationNote', 'Observation.interpretationNote', 'unknown-element'],
      ['fhir.code', 'Observation.code', 'required'],
      ['fhir.status', 'Observation.status', 'required'],
    ]);
    expect(typeof res.body.correlationId).toBe('string');
    const wrongTypes = await rec(
      p.hospital.token,
      'POST',
      '/records',
      unsigned(p.hospital, p.alice, about(p.alice, INVALID.observationWrongTypes)),
    );
    expect([wrongTypes.status, issues(wrongTypes.body).map((x) => x[2])]).toEqual([400, ['code', 'type', 'format']]);
    expect(await storedCount()).toBe(before);
  });

  it('refuses invalid R4 on the one-request signed upload, though correctly signed: the id stays free', async () => {
    const before = await storedCount();
    const obs = await presignedUpload(
      s.gatekeeperDomain,
      p.hospital,
      p.alice,
      about(p.alice, INVALID.observationWithPatient),
    );
    const refused = await rec(p.hospital.token, 'POST', '/records', obs);
    expect([refused.status, issues(refused.body)]).toEqual([
      400,
      [
        ['fhir.patient', 'Observation.patient', 'unknown-element'],
        ['fhir.subject', 'Observation.subject', 'record-patient'],
      ],
    ]);
    const imm = await presignedUpload(
      s.gatekeeperDomain,
      p.hospital,
      p.alice,
      about(p.alice, INVALID.immunizationWithSubject),
    );
    const refusedImm = await rec(p.hospital.token, 'POST', '/records', imm);
    expect([refusedImm.status, issues(refusedImm.body)]).toEqual([
      400,
      [
        ['fhir.subject', 'Immunization.subject', 'unknown-element'],
        ['fhir.patient', 'Immunization.patient', 'required'],
      ],
    ]);
    expect((await rec(p.hospital.token, 'GET', `/records/${obs.recordId}`)).status).toBe(404);
    expect(await storedCount()).toBe(before);
    // The same flow with valid R4 is stored and queued at once.
    const ok = await presignedUpload(s.gatekeeperDomain, p.hospital, p.alice, about(p.alice, VALID.immunization));
    expect((await rec(p.hospital.token, 'POST', '/records', ok)).status).toBe(202);
  });

  it('refuses a bulk batch with an invalid member as a whole (as bulk treats any bad member), naming it', async () => {
    const before = await storedCount();
    const res = await rec(p.clinic.token, 'POST', '/records/batch', {
      records: [
        unsigned(p.clinic, p.bob, about(p.bob, VALID.observation)),
        unsigned(p.clinic, p.bob, about(p.bob, INVALID.observationCardinality)),
        unsigned(p.clinic, p.bob, about(p.bob, VALID.condition)),
      ],
    });
    expect(res.status).toBe(400);
    expect(Object.keys(res.body.fields)).toEqual([
      'records[1].fhir.status',
      'records[1].fhir.category',
      'records[1].fhir.code.coding',
    ]);
    expect(issues(res.body).map((x) => x[1])).toEqual([
      'Observation.status',
      'Observation.category',
      'Observation.code.coding',
    ]);
    expect(await storedCount()).toBe(before);
    const valid = await rec(p.clinic.token, 'POST', '/records/batch', {
      records: Object.values(VALID).map((r) => unsigned(p.clinic, p.bob, about(p.bob, r))),
    });
    expect([valid.status, valid.body.records?.length]).toEqual([201, Object.keys(VALID).length]);
    expect(await storedCount()).toBe(before + Object.keys(VALID).length);
  });
});

describe('GET /records/:id/provenance', () => {
  it('answers valid R4 Provenance: the upload, the author, its EIP-712 signature, the batch and transaction', async () => {
    const body = await presignedUpload(s.gatekeeperDomain, p.hospital, p.alice, about(p.alice, VALID.observation));
    const up = await rec(p.hospital.token, 'POST', '/records', body);
    expect(up.status).toBe(202);
    const row = await addRecordAnchored(body.recordId);
    for (const reader of [p.hospital, p.alice]) {
      const res = await rec(reader.token, 'GET', `/records/${body.recordId}/provenance`);
      expect(res.status).toBe(200);
      expect(fhirR4Validator().validate(res.body)).toEqual([]);
      expect(res.body).toMatchObject({
        resourceType: 'Provenance',
        target: [{ reference: `Observation/${body.recordId}` }],
        recorded: row.createdAt,
        agent: [{ who: { reference: `Practitioner/${p.hospital.identityId}` } }, {}],
        signature: [
          {
            who: { reference: `Practitioner/${p.hospital.identityId}` },
            onBehalfOf: { identifier: { value: p.hospital.wallet.address } },
            sigFormat: 'application/eip712+json',
            data: Buffer.from(body.anchor.signature.slice(2), 'hex').toString('base64'),
          },
        ],
      });
      const ids = res.body.entity.map((e: { what: { identifier: { value: string } } }) => e.what.identifier.value);
      expect(ids).toEqual([row.contentHash, row.chain.batchRoot, row.chain.anchorTxHash]);
    }
  });

  it('before any signature: the upload and the content hash only, still valid R4', async () => {
    const up = await rec(
      p.hospital.token,
      'POST',
      '/records',
      unsigned(p.hospital, p.alice, about(p.alice, VALID.condition)),
    );
    expect(up.status).toBe(201);
    const res = await rec(p.alice.token, 'GET', `/records/${up.body.record.id}/provenance`);
    expect(res.status).toBe(200);
    expect(fhirR4Validator().validate(res.body)).toEqual([]);
    expect(res.body.signature).toBeUndefined();
    expect(res.body.entity).toHaveLength(1);
  });

  it('is refused to anyone but the record’s patient and author, like its metadata', async () => {
    const up = await rec(
      p.hospital.token,
      'POST',
      '/records',
      unsigned(p.hospital, p.alice, about(p.alice, VALID.allergy)),
    );
    const path = `/records/${up.body.record.id}/provenance`;
    for (const other of [p.clinic, p.bob, p.insurer]) {
      const res = await rec(other.token, 'GET', path);
      expect([res.status, res.body.error]).toEqual([403, 'NotAPartyToRecord']);
    }
    expect((await rec(p.alice.token, 'GET', `/records/${randomUUID()}/provenance`)).status).toBe(404);
    expect((await rec(p.alice.token, 'GET', '/records/not-a-uuid/provenance')).status).toBe(400);
  });
});

/** The record once its batch is mined (pending), as GET /records/:id shows it. */
async function addRecordAnchored(recordId: string) {
  return until(
    'record anchored',
    async () => {
      const r = (await rec(p.hospital.token, 'GET', `/records/${recordId}`)).body;
      return r.status === 'pending' && r.chain.anchorTxHash ? r : undefined;
    },
    60_000,
  );
}
