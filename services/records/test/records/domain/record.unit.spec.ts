import { describe, expect, it } from '@jest/globals';
import { AbiCoder, keccak256 } from 'ethers';
import {
  abiEncodeStrings,
  contentCommitmentOf,
  fhirBodyOf,
  pointerHashOf,
  sealedContentOf,
} from '../../../src/records/domain/on-chain.js';
import {
  decide,
  evolve,
  initialRecord,
  RecordRuleViolation,
  type RecordCommand,
  type RecordEvent,
  type RecordState,
} from '../../../src/records/domain/record.js';

const upload: RecordCommand = {
  type: 'UploadRecord',
  recordId: 'r1',
  patientId: 'p1',
  providerId: 'h1',
  patientSubject: 'alice',
  providerSubject: 'hospital',
  category: 'laboratory',
  title: 'CBC',
  titleSealed: 'sealed',
  content: {
    scheme: 2,
    kind: 'fhir',
    resourceType: 'Observation',
    contentType: 'application/fhir+json',
    blobKey: 'k',
    blobSha256: 'ab',
    blobKid: 'k1',
    contentHash: '0x1',
    pointerHash: '0x2',
    size: 10,
  },
  anchor: null,
};
const sig = { nonce: '0', deadline: '1', signature: '0xsig' };
const answer = { ...sig, signedRecordIds: ['0x01'] };

/** Folds commands into state, like the repository does. */
function given(...cmds: RecordCommand[]): RecordState {
  return cmds.reduce<RecordState>(
    (s, c) => decide(c, s).reduce<RecordState>((x, e) => evolve(x, e as RecordEvent), s),
    initialRecord,
  );
}
const refusal = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return (e as RecordRuleViolation).code;
  }
  return undefined;
};

describe('Record aggregate', () => {
  it('walks uploaded → anchoring → pending → responding → accepted', () => {
    const s = given(
      upload,
      { type: 'RequestAnchor', by: 'hospital', signer: '0xabc', ...sig },
      { type: 'ConfirmAnchor', txHash: '0xt', batchRoot: '0xroot' },
      { type: 'Respond', by: 'alice', accept: true, ...answer },
      { type: 'ConfirmResponse', accept: true, txHash: '0xu', batchRoot: '0xroot' },
    );
    expect(s.status).toBe('accepted');
  });
  it('announces RecordAdded to the patient only once anchored', () => {
    const s = given(upload, { type: 'RequestAnchor', by: 'hospital', signer: '0xabc', ...sig });
    expect(decide({ type: 'ConfirmAnchor', txHash: null, batchRoot: '0xroot' }, s)[0]).toMatchObject({
      type: 'records.RecordAdded',
      payload: { patientSubject: 'alice', providerSubject: 'hospital', category: 'laboratory' },
    });
  });
  it('only the author signs the anchor, only the patient answers, only once', () => {
    const uploaded = given(upload);
    expect(refusal(() => decide({ type: 'RequestAnchor', by: 'alice', signer: '0x', ...sig }, uploaded))).toBe(
      'NotTheAuthor',
    );
    expect(refusal(() => decide({ type: 'Respond', by: 'alice', accept: true, ...answer }, uploaded))).toBe(
      'RecordNotPending',
    );
    const pending = given(
      upload,
      { type: 'RequestAnchor', by: 'hospital', signer: '0x', ...sig },
      { type: 'ConfirmAnchor', txHash: null, batchRoot: '0xroot' },
    );
    expect(refusal(() => decide({ type: 'Respond', by: 'bob', accept: true, ...answer }, pending))).toBe(
      'NotThePatient',
    );
    const accepted = given(
      upload,
      { type: 'RequestAnchor', by: 'hospital', signer: '0x', ...sig },
      { type: 'ConfirmAnchor', txHash: null, batchRoot: '0xroot' },
      { type: 'Respond', by: 'alice', accept: true, ...answer },
      { type: 'ConfirmResponse', accept: true, txHash: null, batchRoot: '0xroot' },
    );
    expect(refusal(() => decide({ type: 'Respond', by: 'alice', accept: false, ...answer }, accepted))).toBe(
      'RecordNotPending',
    );
    expect(refusal(() => decide(upload, accepted))).toBe('RecordAlreadyExists');
  });
  it('an upload signed with its request is stored already waiting for its batch', () => {
    const signed = { ...upload, anchor: { signer: '0xabc', ...sig } } as RecordCommand;
    const events = decide(signed, initialRecord);
    expect(events.map((e) => e.type)).toEqual(['records.RecordUploaded', 'records.RecordAnchorRequested']);
    expect(events[1]!.payload).toEqual({ recordId: '', signer: '0xabc', ...sig });
    expect(given(signed).status).toBe('anchoring');
    expect(refusal(() => decide({ type: 'RequestAnchor', by: 'hospital', signer: '0x', ...sig }, given(signed)))).toBe(
      'RecordNotAwaitingSignature',
    );
  });
  it('is erased by its patient or an administrator only, once; nothing is decided on it afterwards', () => {
    const s = given(upload);
    expect(refusal(() => decide({ type: 'EraseRecord', by: 'hospital', admin: false }, s))).toBe('NotThePatient');
    expect(decide({ type: 'EraseRecord', by: 'admin-1', admin: true }, s)[0]!.type).toBe('records.RecordErased');
    const erased = given(upload, { type: 'EraseRecord', by: 'alice', admin: false });
    expect(erased.status).toBe('erased');
    expect(refusal(() => decide({ type: 'EraseRecord', by: 'alice', admin: false }, erased))).toBe('RecordErased');
    expect(refusal(() => decide({ type: 'RequestAnchor', by: 'hospital', signer: '0x', ...sig }, erased))).toBe(
      'RecordErased',
    );
  });
  it('a refused anchor can be signed again', () => {
    const s = given(
      upload,
      { type: 'RequestAnchor', by: 'hospital', signer: '0x', ...sig },
      { type: 'RejectAnchor', reason: 'IdentitySignerInvalidSignature' },
    );
    expect(s.status).toBe('anchor-rejected');
    expect(decide({ type: 'RequestAnchor', by: 'hospital', signer: '0x', ...sig }, s)[0]!.type).toBe(
      'records.RecordAnchorRequested',
    );
  });
});

describe('pointer hash', () => {
  const base = {
    scheme: 2 as const,
    blobKey: 'k',
    category: 'laboratory',
    contentType: 'application/fhir+json',
    kind: 'fhir',
    resourceType: 'Observation',
  };
  it('changes with every field that steers access; a scheme-1 pointer also names its blob', () => {
    const h = pointerHashOf(base);
    for (const [k, v] of Object.entries({
      category: 'imaging',
      contentType: 'application/pdf',
      kind: 'file',
      resourceType: 'DocumentReference',
    })) {
      expect(pointerHashOf({ ...base, [k]: v })).not.toBe(h);
    }
    // Scheme 2 is a logical pointer: where the bytes sit is not part of it, so a client can compute it.
    expect(pointerHashOf({ ...base, blobKey: 'packs/x#0+10' })).toBe(h);
    const v1 = { ...base, scheme: 1 as const };
    expect(pointerHashOf({ ...v1, blobKey: 'k2' })).not.toBe(pointerHashOf(v1));
  });

  it('is keccak256(abi.encode(strings)) exactly as the ABI coder (and Solidity) encode it', () => {
    const coder = AbiCoder.defaultAbiCoder();
    const samples = [
      ['uhr.record-pointer.v1', 'packs/2026-11-25/a#0+4512', 'laboratory', 'application/fhir+json', 'fhir', 'Obs'],
      ['', 'x'.repeat(31), 'y'.repeat(32), 'z'.repeat(33), 'ünïcødé ✓ 病歴', 'k'.repeat(300)],
      ['one'],
    ];
    for (const values of samples) {
      const expected = coder.encode(
        values.map(() => 'string'),
        values,
      );
      expect(Buffer.from(abiEncodeStrings(values)).toString('hex')).toBe(expected.slice(2));
    }
    const p = { ...base, contentType: 'application/pdf', kind: 'file', resourceType: 'DocumentReference' };
    const strings = ['string', 'string', 'string', 'string', 'string'];
    expect(pointerHashOf(p)).toBe(
      keccak256(coder.encode(strings, ['uhr.record-pointer.v2', p.category, p.contentType, p.kind, p.resourceType])),
    );
    const v1 = { ...p, scheme: 1 as const, blobKey: 'patients/p/records/r' };
    expect(pointerHashOf(v1)).toBe(
      keccak256(
        coder.encode(
          [...strings, 'string'],
          ['uhr.record-pointer.v1', v1.blobKey, p.category, p.contentType, p.kind, p.resourceType],
        ),
      ),
    );
  });
});

describe('content commitment (scheme 2)', () => {
  it('is keccak256(salt ‖ RFC 8785 JSON of the resource): members sorted, no whitespace, numbers as ECMAScript', () => {
    const resource = {
      valueQuantity: { value: 90.5, unit: 'mg/dL' },
      subject: { reference: 'Patient/p1' },
      status: 'final',
      resourceType: 'Observation',
      code: { text: 'glucose' },
    };
    const body = fhirBodyOf(resource);
    expect(body.toString('utf8')).toBe(
      '{"code":{"text":"glucose"},"resourceType":"Observation","status":"final",' +
        '"subject":{"reference":"Patient/p1"},"valueQuantity":{"unit":"mg/dL","value":90.5}}',
    );
    // Computed once with @noble/hashes' keccak_256 (another implementation than the one under test).
    expect(contentCommitmentOf(sealedContentOf(Buffer.alloc(32, 0x11), body))).toBe(
      '0xedeedeba2d983c4593ef9c68a077c54e3efd2ee47c6bd50a56d9f52ab24d64a5',
    );
  });
});
