/**
 * The FHIR R4 Provenance of a record (ADR 0018): who uploaded it when, and how it is anchored — the author's
 * EIP-712 AddRecord signature and the Merkle batch whose root `Relationships.anchorBatch` put on-chain.
 * Identifiers, never free text: the answer names no title and no health data.
 */

export interface ProvenanceFacts {
  recordId: string;
  /** The resource type stored (DocumentReference for a file). */
  resourceType: string;
  providerId: string;
  patientId: string;
  /** Upload time. */
  recorded: string;
  contentHash: string;
  status: string;
  batchRoot: string | null;
  anchorTxHash: string | null;
  /** The author's AddRecord (or AddRecords) signature, once given. */
  signature: { signer: string; signature: string; at: string } | null;
  /** The patient's answer, once anchored. */
  response: { accept: boolean; batchRoot: string; txHash: string | null } | null;
}

const PARTICIPANT = 'http://terminology.hl7.org/CodeSystem/provenance-participant-type';
const DATA_OPERATION = 'http://terminology.hl7.org/CodeSystem/v3-DataOperation';
const SIGNATURE_TYPE = 'urn:iso-astm:E1762-95:2013';

const identity = (id: string) => ({ system: 'urn:uhr:identity', value: id });
const coding = (system: string, code: string, display: string) => ({ coding: [{ system, code, display }] });

/** A hex string as base64 (FHIR `base64Binary`). */
const base64OfHex = (hex: string) => Buffer.from(hex.replace(/^0x/, ''), 'hex').toString('base64');

export function provenanceOf(f: ProvenanceFacts) {
  return {
    resourceType: 'Provenance',
    id: f.recordId,
    target: [
      {
        reference: `${f.resourceType}/${f.recordId}`,
        type: f.resourceType,
        identifier: { system: 'urn:uhr:record', value: f.recordId },
      },
    ],
    recorded: f.recorded,
    activity: coding(DATA_OPERATION, 'CREATE', 'create'),
    agent: [
      {
        type: coding(PARTICIPANT, 'author', 'Author'),
        who: { reference: `Practitioner/${f.providerId}`, identifier: identity(f.providerId) },
      },
      {
        type: coding(PARTICIPANT, 'custodian', 'Custodian'),
        who: { identifier: { system: 'urn:uhr:service', value: 'records' }, display: 'UHR records service' },
      },
    ],
    entity: entitiesOf(f),
    ...(f.signature
      ? {
          signature: [
            {
              type: [{ system: SIGNATURE_TYPE, code: '1.2.840.10065.1.12.1.1', display: "Author's Signature" }],
              when: f.signature.at,
              who: { reference: `Practitioner/${f.providerId}`, identifier: identity(f.providerId) },
              onBehalfOf: { identifier: { system: 'urn:ethereum:address', value: f.signature.signer } },
              sigFormat: 'application/eip712+json',
              data: base64OfHex(f.signature.signature),
            },
          ],
        }
      : {}),
  };
}

type Entity = { role: 'source'; what: { identifier: { system: string; value: string }; display?: string } };
const entity = (system: string, value: string, display?: string): Entity => ({
  role: 'source',
  what: { identifier: { system, value }, ...(display ? { display } : {}) },
});

/** The content commitment; the anchoring batch and transaction once mined; the patient's answer once anchored. */
function entitiesOf(f: ProvenanceFacts): Entity[] {
  const entities = [entity('urn:uhr:content-hash', f.contentHash, 'keccak256(salt ‖ body), ADR 0012')];
  if (f.batchRoot) entities.push(entity('urn:uhr:relationships:record-batch-root', f.batchRoot, 'Merkle root'));
  if (f.anchorTxHash) entities.push(entity('urn:ethereum:tx', f.anchorTxHash, 'Relationships.anchorBatch'));
  if (f.response) {
    const answer = `the patient ${f.response.accept ? 'accepted' : 'rejected'} the record`;
    entities.push(entity('urn:uhr:relationships:response-batch-root', f.response.batchRoot, answer));
    if (f.response.txHash) entities.push(entity('urn:ethereum:tx', f.response.txHash, "the answer's anchorBatch"));
  }
  return entities;
}
