import { describe, expect, it } from '@jest/globals';
import { verifyProof } from '@uhr/contracts';
import { recordLeafOf, responseLeafOf } from '../../../../src/records/domain/on-chain.js';
import { cutBatch, pairsOf, proofOf } from '../../../../src/records/batches/domain/batch.js';

const row = {
  id: '3f2a6c1e-8b4d-4e0f-9a1b-2c3d4e5f6a7b',
  patient_id: '11111111-2222-4333-8444-555555555555',
  provider_id: '66666666-7777-4888-8999-aaaaaaaaaaaa',
  category: 'laboratory',
  content_hash: '0x' + 'ab'.repeat(32),
  pointer_hash: '0x' + 'cd'.repeat(32),
  anchor_auth_hash: '0x' + 'ef'.repeat(32),
};

describe('record and response leaves of a row', () => {
  // Fixed vectors: the deployed Relationships.recordLeaf / responseLeaf answered these for the same fields.
  it('match the contract for a fixed row', () => {
    expect(recordLeafOf(row)).toBe('0x80a51605ee5c940f258116891f6a1124ec47c8f78ace955e34d36617507e84aa');
    expect(responseLeafOf({ ...row, response_accept: true, response_auth_hash: '0x' + '12'.repeat(32) })).toBe(
      '0x51c4b32aa5aeddd37e054650c130adad4bc79450b301e8ca16c455ddba35b5dc',
    );
  });

  it('change with any field the gatekeeper relies on', () => {
    const base = recordLeafOf(row);
    expect(recordLeafOf({ ...row, category: 'imaging' })).not.toBe(base);
    expect(recordLeafOf({ ...row, patient_id: row.provider_id })).not.toBe(base);
    expect(recordLeafOf(row, '0x' + '00'.repeat(32))).not.toBe(base);
  });
});

describe('cutBatch', () => {
  const leaf = (i: number) => '0x' + i.toString(16).padStart(64, '0');
  it.each([1, 2, 3, 5, 64, 65])('gives every member of a batch of %i a proof of its leaf', (n) => {
    const records = Array.from({ length: n }, (_, i) => ({ recordId: `r${i}`, leaf: leaf(i + 1) }));
    const responses = [{ recordId: 'a', leaf: leaf(10_000) }];
    const cut = cutBatch(records, responses)!;
    expect(cut.leafCount).toBe(n + 1);
    for (const [i, p] of cut.recordProofs.entries())
      expect(verifyProof(cut.root, leaf(i + 1), proofOf(p.proof))).toBe(true);
    expect(verifyProof(cut.root, leaf(10_000), proofOf(cut.responseProofs[0]!.proof))).toBe(true);
    expect(verifyProof(cut.root, leaf(99_999), proofOf(cut.recordProofs[0]!.proof))).toBe(false);
  });

  it('cuts nothing from nothing, and names each relationship once', () => {
    expect(cutBatch([], [])).toBeUndefined();
    expect(
      pairsOf([
        { patientId: 'a', providerId: 'b' },
        { patientId: 'a', providerId: 'b' },
        { patientId: 'a', providerId: 'c' },
      ]),
    ).toEqual([
      { patientId: 'a', providerId: 'b' },
      { patientId: 'a', providerId: 'c' },
    ]);
  });
});
