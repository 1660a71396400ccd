/**
 * The Record aggregate: one clinical document a provider adds for a patient. Its bytes live encrypted in S3;
 * its hash and pointer, with the author's signature, become one leaf of a Merkle batch whose root is anchored
 * on-chain (Relationships.anchorBatch); the patient's signed accept or reject becomes a leaf of a later batch.
 * Pure: decide(command, state) → events, evolve(state, event) → state.
 */

export const RECORD_CATEGORIES = [
  'laboratory',
  'imaging',
  'medication',
  'clinical-note',
  'immunization',
  'allergy',
  'vital-signs',
  'document',
] as const;
export type RecordCategory = (typeof RECORD_CATEGORIES)[number];

export type RecordStatus =
  'uploaded' | 'anchoring' | 'pending' | 'responding' | 'accepted' | 'rejected' | 'anchor-rejected' | 'erased';

export interface RecordContent {
  /** How contentHash and pointerHash are made (on-chain.ts, ADR 0012); new records are scheme 2. */
  scheme: 1 | 2;
  kind: 'fhir' | 'file';
  resourceType: string;
  contentType: string;
  blobKey: string;
  /** Hex sha256 of the stored (encrypted) object: checked before anything is decrypted. */
  blobSha256: string;
  /** Scheme 2: keccak256(salt ‖ body), the value anchored on-chain (scheme 1: 0x + blobSha256). */
  contentHash: string;
  /** keccak256 of the record's metadata (see pointerHashOf): anchored, so a row altered in the database shows. */
  pointerHash: string;
  size: number;
}

/** The author's AddRecord signature, already checked against the key the Registrar binds to the author. */
export interface SignedAnchor {
  signer: string;
  nonce: string;
  deadline: string;
  signature: string;
}

export type RecordEvent =
  | {
      type: 'records.RecordUploaded';
      /** 2 adds content.scheme and content.blobSha256; v1 events (content unread by evolve) stay as stored. */
      version: 2;
      payload: {
        recordId: string;
        patientId: string;
        providerId: string;
        patientSubject: string;
        providerSubject: string;
        category: RecordCategory;
        /** The title sealed under its own data key (sealText, bound to the record id): never in clear here. */
        titleSealed: string;
        content: RecordContent;
      };
    }
  | {
      type: 'records.RecordAnchorRequested';
      version: 1;
      payload: { recordId: string; signer: string; nonce: string; deadline: string; signature: string };
    }
  | {
      type: 'records.RecordAdded';
      /** 2: no title (v1 carried it in clear, to every topic reader). */
      version: 2;
      payload: {
        recordId: string;
        patientSubject: string;
        providerSubject: string;
        category: RecordCategory;
        txHash: string | null;
        batchRoot: string;
      };
    }
  | { type: 'records.RecordAnchorRejected'; version: 1; payload: { recordId: string; reason: string } }
  | {
      type: 'records.RecordResponseRequested';
      version: 1;
      payload: {
        recordId: string;
        accept: boolean;
        /** Every record (bytes32 ids) the one RespondToRecords signature answers. */
        signedRecordIds: string[];
        nonce: string;
        deadline: string;
        signature: string;
      };
    }
  | {
      type: 'records.RecordAccepted' | 'records.RecordRejected';
      version: 1;
      payload: {
        recordId: string;
        patientSubject: string;
        providerSubject: string;
        txHash: string | null;
        batchRoot: string;
      };
    }
  | { type: 'records.RecordResponseFailed'; version: 1; payload: { recordId: string; reason: string } }
  /** The record's data key destroyed (its frame gone from storage); the anchor stays, unlinkable to any bytes. */
  | { type: 'records.RecordErased'; version: 1; payload: { recordId: string; erasedBy: string } };

export type RecordCommand =
  | {
      type: 'UploadRecord';
      recordId: string;
      patientId: string;
      providerId: string;
      patientSubject: string;
      providerSubject: string;
      category: RecordCategory;
      /** In clear for the answer to the uploader only; the event carries `titleSealed`. */
      title: string;
      titleSealed: string;
      content: RecordContent;
      /** Signed with the upload (one request, scheme 2), or null: signed later (POST /records/:id/anchor). */
      anchor: SignedAnchor | null;
    }
  | { type: 'RequestAnchor'; by: string; signer: string; nonce: string; deadline: string; signature: string }
  | { type: 'ConfirmAnchor'; txHash: string | null; batchRoot: string }
  | { type: 'RejectAnchor'; reason: string }
  | {
      type: 'Respond';
      by: string;
      accept: boolean;
      signedRecordIds: string[];
      nonce: string;
      deadline: string;
      signature: string;
    }
  | { type: 'ConfirmResponse'; accept: boolean; txHash: string | null; batchRoot: string }
  | { type: 'FailResponse'; reason: string }
  /** By the patient (`by` their subject) or an administrator (`admin`). */
  | { type: 'EraseRecord'; by: string; admin: boolean };

export interface RecordState {
  exists: boolean;
  status: RecordStatus | null;
  patientSubject: string | null;
  providerSubject: string | null;
  category: RecordCategory | null;
}

export const initialRecord: RecordState = {
  exists: false,
  status: null,
  patientSubject: null,
  providerSubject: null,
  category: null,
};

export type RecordRefusal =
  | 'RecordAlreadyExists'
  | 'RecordNotFound'
  | 'NotTheAuthor'
  | 'NotThePatient'
  | 'RecordNotAwaitingSignature'
  | 'RecordNotPending'
  | 'RecordErased';

export class RecordRuleViolation extends Error {
  constructor(
    readonly code: RecordRefusal,
    message: string,
  ) {
    super(message);
  }
}

export function decide(cmd: RecordCommand, s: RecordState): RecordEvent[] {
  if (cmd.type === 'UploadRecord') {
    if (s.exists) throw new RecordRuleViolation('RecordAlreadyExists', 'record already exists');
    const { type: _t, anchor, title: _title, ...payload } = cmd;
    const uploaded: RecordEvent = { type: 'records.RecordUploaded', version: 2, payload };
    if (anchor === null) return [uploaded];
    return [uploaded, { type: 'records.RecordAnchorRequested', version: 1, payload: { recordId: '', ...anchor } }];
  }
  if (!s.exists) throw new RecordRuleViolation('RecordNotFound', 'record not found');
  if (s.status === 'erased') throw new RecordRuleViolation('RecordErased', 'the record was erased');
  const recordId = '';
  switch (cmd.type) {
    case 'RequestAnchor':
      if (cmd.by !== s.providerSubject)
        throw new RecordRuleViolation('NotTheAuthor', 'only the author signs the anchor');
      if (s.status !== 'uploaded' && s.status !== 'anchor-rejected') {
        throw new RecordRuleViolation(
          'RecordNotAwaitingSignature',
          `record is ${s.status}, not awaiting its anchor signature`,
        );
      }
      return [
        {
          type: 'records.RecordAnchorRequested',
          version: 1,
          payload: { recordId, signer: cmd.signer, nonce: cmd.nonce, deadline: cmd.deadline, signature: cmd.signature },
        },
      ];
    case 'ConfirmAnchor':
      return [
        {
          type: 'records.RecordAdded',
          version: 2,
          payload: {
            recordId,
            patientSubject: s.patientSubject!,
            providerSubject: s.providerSubject!,
            category: s.category!,
            txHash: cmd.txHash,
            batchRoot: cmd.batchRoot,
          },
        },
      ];
    case 'RejectAnchor':
      return [{ type: 'records.RecordAnchorRejected', version: 1, payload: { recordId, reason: cmd.reason } }];
    case 'Respond':
      if (cmd.by !== s.patientSubject)
        throw new RecordRuleViolation('NotThePatient', 'only the patient answers a record');
      if (s.status !== 'pending')
        throw new RecordRuleViolation('RecordNotPending', `record is ${s.status}, not pending`);
      return [
        {
          type: 'records.RecordResponseRequested',
          version: 1,
          payload: {
            recordId,
            accept: cmd.accept,
            signedRecordIds: cmd.signedRecordIds,
            nonce: cmd.nonce,
            deadline: cmd.deadline,
            signature: cmd.signature,
          },
        },
      ];
    case 'ConfirmResponse':
      return [
        {
          type: cmd.accept ? 'records.RecordAccepted' : 'records.RecordRejected',
          version: 1,
          payload: {
            recordId,
            patientSubject: s.patientSubject!,
            providerSubject: s.providerSubject!,
            txHash: cmd.txHash,
            batchRoot: cmd.batchRoot,
          },
        },
      ];
    case 'FailResponse':
      return [{ type: 'records.RecordResponseFailed', version: 1, payload: { recordId, reason: cmd.reason } }];
    case 'EraseRecord':
      if (!cmd.admin && cmd.by !== s.patientSubject)
        throw new RecordRuleViolation('NotThePatient', 'only the patient (or an administrator) erases a record');
      return [{ type: 'records.RecordErased', version: 1, payload: { recordId, erasedBy: cmd.by } }];
  }
}

export function evolve(s: RecordState, e: RecordEvent): RecordState {
  switch (e.type) {
    case 'records.RecordUploaded':
      return {
        exists: true,
        status: 'uploaded',
        patientSubject: e.payload.patientSubject,
        providerSubject: e.payload.providerSubject,
        category: e.payload.category,
      };
    case 'records.RecordAnchorRequested':
      return { ...s, status: 'anchoring' };
    case 'records.RecordAdded':
      return { ...s, status: 'pending' };
    case 'records.RecordAnchorRejected':
      return { ...s, status: 'anchor-rejected' };
    case 'records.RecordResponseRequested':
      return { ...s, status: 'responding' };
    case 'records.RecordAccepted':
      return { ...s, status: 'accepted' };
    case 'records.RecordRejected':
      return { ...s, status: 'rejected' };
    case 'records.RecordResponseFailed':
      return { ...s, status: 'pending' };
    case 'records.RecordErased':
      return { ...s, status: 'erased' };
  }
}

/** Stamps the aggregate id into payloads (decide stays free of it so commands need not repeat it). */
export function withRecordId(events: RecordEvent[], recordId: string): RecordEvent[] {
  return events.map((e) => ({ ...e, payload: { ...e.payload, recordId } }) as RecordEvent);
}
