import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { BadRequestException, Injectable } from '@nestjs/common';
import {
  assertSignedBy,
  chainIdOf,
  ConcurrencyError,
  ConflictError,
  ForbiddenError,
  UnprocessableError,
  type BlobWriteResult,
  type EventContext,
  type Principal,
  IdentityDirectory,
  type KnownIdentity,
} from '@uhr/platform';
import { Contracts } from '../../../chain/contracts.js';
import { documentReferenceOf, FILE_CONTENT_TYPES, fhirProblems, type FhirProblem } from '../../domain/fhir.js';
import {
  CONTENT_SALT_BYTES,
  contentCommitmentOf,
  fhirBodyOf,
  pointerHashOf,
  sealedContentOf,
} from '../../domain/on-chain.js';
import type { RecordCategory, RecordContent, SignedAnchor } from '../../domain/record.js';
import { RecordRepository, rowOf, toView, type RecordRow, type UploadCommand } from '../../record.repository.js';
import { RecordTitles } from '../../record-titles.js';
import { assertBeforeDeadline } from '../rule-violation.js';
import { addRecordFields, addRecordsTypedData } from '../sign-record-anchor/sign-record-anchor.use-case.js';
import { UploadPacker, type PackEntry } from './upload-packer.js';
import { relationshipsTypedData, type TypedDataRequest } from '@uhr/contracts';

export interface UploadRecord {
  patientId: string;
  providerId?: string;
  category: RecordCategory;
  title: string;
  fhir?: Record<string, unknown>;
  file?: { contentType: string; data: string };
  /** Client-chosen: the same id, salt and content again answers the record already stored (idempotent). */
  recordId?: string;
  /** 0x + 32 bytes; the service draws one when absent. */
  salt?: string;
  /** The AddRecord signature, made before uploading: the record is stored and queued for anchoring at once. */
  anchor?: { nonce: string; deadline: string; signature: string };
}

const SIGNATURE_TTL_S = 3600;
const randomNonceText = () => BigInt('0x' + randomBytes(8).toString('hex')).toString();

interface Prepared {
  cmd: UploadRecord;
  provider: KnownIdentity;
  patient: KnownIdentity;
  principal: string;
  recordId: string;
  /** salt ‖ body: what the blob seals and the content hash commits to. */
  sealed: Buffer;
  bodySize: number;
  /** Hex sha256 of a file's own bytes (FHIR Attachment.hash); '' for FHIR resources. */
  fileSha256: string;
  kind: RecordContent['kind'];
  resourceType: string;
  contentType: string;
  contentHash: string;
  pointerHash: string;
}

/**
 * Same shape as the validation pipe's 400: `fields: { name: [reasons] }`; an invalid FHIR resource adds
 * `details.fhir`: each issue's field, FHIR path (`Observation.status`) and rule (`required`).
 */
const invalid = (message: string, fields: Record<string, string[]>, fhir?: FhirProblem[]) =>
  new BadRequestException({ error: 'ValidationFailed', message, fields, ...(fhir ? { details: { fhir } } : {}) });

interface InvalidBody {
  fields?: Record<string, string[]>;
  details?: { fhir?: FhirProblem[] };
}

/**
 * A provider adds a record, sealed under a fresh data key into S3 with a random salt, committed to by
 * keccak256(salt ‖ body) (ADR 0012). A client that signs its AddRecord before uploading (recordId, salt and
 * `anchor` given) needs one request: the record is stored already queued for the next Merkle batch (202).
 * Otherwise the answer carries the AddRecord message to sign (201; POST /records/:id/anchor).
 */
@Injectable()
export class UploadRecordUseCase {
  constructor(
    private readonly records: RecordRepository,
    private readonly directory: IdentityDirectory,
    private readonly packer: UploadPacker,
    private readonly contracts: Contracts,
    private readonly titles: RecordTitles,
  ) {}

  async execute(cmd: UploadRecord, p: Principal, ctx: EventContext): Promise<UploadAnswer> {
    const prepared = await this.prepare(cmd, p, new Map());
    const anchor = cmd.anchor ? await this.checkedAnchor(prepared, cmd.anchor, p, ctx) : null;
    let upload: UploadCommand;
    try {
      upload = await this.packer.submit(this.entryOf(prepared, anchor, ctx));
    } catch (err) {
      if (err instanceof ConcurrencyError && cmd.recordId !== undefined) return this.replay(prepared, p);
      throw err;
    }
    return { created: true, body: this.answerOf(rowOf(upload, ctx), prepared) };
  }

  private answerOf(row: RecordRow, x: Pick<Prepared, 'kind' | 'fileSha256'>) {
    return {
      record: toView(row),
      ...(x.kind === 'file' ? { documentReference: this.documentReference(row, x.fileSha256) } : {}),
      ...(row.status === 'uploaded' ? { toSign: this.addRecordTypedData(row) } : {}),
    };
  }

  /**
   * The same record id again: a retry after a lost answer gets the record it already stored (nothing stored
   * twice); the id of another record, or another content under it, is refused.
   */
  private async replay(x: Prepared, p: Principal): Promise<UploadAnswer> {
    const row = await this.records.row(x.recordId);
    if (!row || row.provider_subject !== p.subject || row.content_hash !== x.contentHash) {
      throw new ConflictError(
        'RecordIdTaken',
        `record id ${x.recordId} is taken by another record (a retry repeats the first attempt's recordId and salt)`,
      );
    }
    return { created: false, body: this.answerOf(row, x) };
  }

  /** The AddRecord the client signed: the very fields of this upload, by the author's registered key. */
  private async checkedAnchor(
    x: Prepared,
    a: NonNullable<UploadRecord['anchor']>,
    p: Principal,
    ctx: EventContext,
  ): Promise<SignedAnchor> {
    assertBeforeDeadline('AddRecord', a.deadline, ctx);
    const typed = relationshipsTypedData(this.contracts.relationshipsDomain, 'AddRecord', {
      providerId: chainIdOf(x.provider.id),
      patientId: chainIdOf(x.patient.id),
      recordId: chainIdOf(x.recordId),
      contentHash: x.contentHash,
      pointerHash: x.pointerHash,
      nonce: a.nonce,
      deadline: a.deadline,
    });
    const signer = await assertSignedBy(this.directory, x.provider.id, p.subject, typed, a.signature);
    return { signer: signer.address, nonce: a.nonce, deadline: a.deadline, signature: a.signature };
  }

  /**
   * Bulk ingest (an EHR's backlog, a lab's batch): all records validated first (field errors named
   * `records[i].…`); then each sealed under its own data key into ONE S3 object (a pack, a single PUT), and all
   * committed with their events in one transaction of two statements. The answer carries ONE AddRecords message
   * covering them all (POST /records/batch/anchor); each record's own AddRecord stays available
   * (GET /records/:id/anchor-request).
   */
  async executeBatch(cmds: UploadRecord[], p: Principal, ctx: EventContext) {
    const identities = new Map<string, Promise<KnownIdentity | undefined>>();
    const prepared: Prepared[] = [];
    const fields: Record<string, string[]> = {};
    const fhir: FhirProblem[] = [];
    for (const [i, cmd] of cmds.entries()) {
      try {
        prepared.push(await this.prepare(cmd, p, identities));
      } catch (err) {
        const body = err instanceof BadRequestException ? (err.getResponse() as InvalidBody) : undefined;
        if (!body?.fields) throw err;
        for (const [k, v] of Object.entries(body.fields)) fields[`records[${i}].${k}`] = v;
        for (const x of body.details?.fhir ?? []) fhir.push({ ...x, field: `records[${i}].${x.field}` });
      }
    }
    if (Object.keys(fields).length > 0) {
      throw invalid('some records are invalid', fields, fhir.length > 0 ? fhir : undefined);
    }
    const uploads = await this.packer.storeAll(prepared.map((x) => this.entryOf(x, null, ctx)));
    return {
      records: uploads.map((u) => ({
        id: u.recordId,
        status: 'uploaded',
        contentHash: u.content.contentHash,
        pointerHash: u.content.pointerHash,
      })),
      toSign: addRecordsTypedData(
        this.contracts.relationshipsDomain,
        uploads.map((u) => rowOf(u, ctx)),
        randomNonceText(),
        String(Math.floor(Date.now() / 1000) + SIGNATURE_TTL_S),
      ),
    };
  }

  private async prepare(
    cmd: UploadRecord,
    p: Principal,
    identities: Map<string, Promise<KnownIdentity | undefined>>,
  ): Promise<Prepared> {
    if ((cmd.fhir === undefined) === (cmd.file === undefined)) {
      throw invalid('send exactly one of fhir or file', { fhir: ['exactly one of fhir or file'] });
    }
    if (cmd.anchor && (cmd.recordId === undefined || cmd.salt === undefined)) {
      throw invalid('a signed upload names its recordId and salt', { recordId: ['required with anchor'] });
    }
    const { provider, patient } = await this.partiesOf(cmd, p, identities);
    const content = cmd.fhir !== undefined ? fhirContent(cmd.fhir, patient.id) : fileContent(cmd.file!);
    const salt = cmd.salt ? Buffer.from(cmd.salt.slice(2), 'hex') : randomBytes(CONTENT_SALT_BYTES);
    const sealed = sealedContentOf(salt, content.body);
    const pointer = { scheme: 2 as const, blobKey: '', category: cmd.category, ...content.pointer };
    return {
      cmd,
      provider,
      patient,
      principal: p.subject,
      recordId: cmd.recordId ?? randomUUID(),
      sealed,
      bodySize: content.body.length,
      fileSha256: content.fileSha256,
      ...content.pointer,
      contentHash: contentCommitmentOf(sealed),
      pointerHash: pointerHashOf(pointer),
    };
  }

  /** The author (the provider identity bound to this login) and the patient, both looked up at once. */
  private async partiesOf(
    cmd: UploadRecord,
    p: Principal,
    identities: Map<string, Promise<KnownIdentity | undefined>>,
  ): Promise<{ provider: KnownIdentity; patient: KnownIdentity }> {
    const providerKey = `provider:${p.subject}:${cmd.providerId ?? ''}`;
    if (!identities.has(providerKey)) identities.set(providerKey, this.providerOf(p, cmd.providerId));
    if (!identities.has(cmd.patientId)) identities.set(cmd.patientId, this.directory.byId(cmd.patientId));
    // Both look-ups at once; the provider's answer is judged first.
    const [provider, patient] = await Promise.all([identities.get(providerKey)!, identities.get(cmd.patientId)!]);
    if (!provider)
      throw new ForbiddenError('NoProviderIdentity', 'no registered provider identity is bound to your login');
    if (!patient || patient.kind !== 'patient' || patient.status !== 'active' || !patient.subject) {
      throw new UnprocessableError('UnknownPatient', `no active patient identity ${cmd.patientId}`);
    }
    return { provider, patient };
  }

  private async providerOf(p: Principal, providerId: string | undefined): Promise<KnownIdentity | undefined> {
    const all = await this.directory.bySubject(p.subject);
    const providers = all.filter((i) => i.kind === 'provider' && (providerId === undefined || i.id === providerId));
    if (providers.length > 1) {
      throw invalid('several provider identities are bound to your login: name providerId', {
        providerId: ['required: several provider identities are bound to your login'],
      });
    }
    return providers[0];
  }

  /** What the packer stores: the sealed bytes, and the command once the blob's key and stored hash are known. */
  private entryOf(x: Prepared, anchor: SignedAnchor | null, ctx: EventContext): PackEntry {
    return {
      plaintext: x.sealed,
      contentType: x.contentType,
      ctx,
      command: (stored) => this.uploadCommand(x, anchor, stored),
    };
  }

  private uploadCommand(x: Prepared, anchor: SignedAnchor | null, stored: BlobWriteResult): UploadCommand {
    return {
      type: 'UploadRecord',
      recordId: x.recordId,
      patientId: x.patient.id,
      providerId: x.provider.id,
      patientSubject: x.patient.subject!,
      providerSubject: x.principal,
      category: x.cmd.category,
      title: x.cmd.title,
      titleSealed: this.titles.seal(x.recordId, x.cmd.title),
      content: {
        scheme: 2,
        kind: x.kind,
        resourceType: x.resourceType,
        contentType: x.contentType,
        blobKey: stored.key,
        blobSha256: stored.sha256,
        blobKid: stored.kid,
        contentHash: x.contentHash,
        pointerHash: x.pointerHash,
        size: x.bodySize,
      },
      anchor,
    };
  }

  documentReference(row: RecordRow, sha256: string) {
    return documentReferenceOf({
      recordId: row.id,
      patientId: row.patient_id,
      providerId: row.provider_id,
      title: row.title,
      category: row.category,
      contentType: row.content_type,
      size: row.size,
      sha256,
      createdAt: new Date(row.created_at).toISOString(),
    });
  }

  /**
   * The AddRecord message for the author to sign. Its nonce is random: the record id already makes the message
   * one of a kind, and signatures carry no sequence, so uploads in flight together never collide (ADR 0008).
   */
  addRecordTypedData(row: RecordRow): TypedDataRequest {
    return relationshipsTypedData(this.contracts.relationshipsDomain, 'AddRecord', {
      ...addRecordFields(row),
      nonce: randomNonceText(),
      deadline: String(Math.floor(Date.now() / 1000) + SIGNATURE_TTL_S),
    });
  }
}

/** 201 for a record stored now, 200 for a retry that found it stored already. */
export interface UploadAnswer {
  created: boolean;
  body: ReturnType<UploadRecordUseCase['answerOf']>;
}

interface Content {
  body: Buffer;
  fileSha256: string;
  pointer: Pick<Prepared, 'kind' | 'resourceType' | 'contentType'>;
}

function fhirContent(fhir: Record<string, unknown>, patientId: string): Content {
  const problems = fhirProblems(fhir, patientId);
  if (problems.length > 0) {
    const fields: Record<string, string[]> = {};
    for (const x of problems) (fields[x.field] ??= []).push(`${x.path}: ${x.message} (${x.rule})`);
    throw invalid('the FHIR resource is not valid FHIR R4', fields, problems);
  }
  const pointer = { kind: 'fhir' as const, resourceType: String(fhir.resourceType), contentType: FHIR_JSON };
  return { body: fhirBodyOf(fhir), fileSha256: '', pointer };
}

function fileContent(file: { contentType: string; data: string }): Content {
  if (!(FILE_CONTENT_TYPES as readonly string[]).includes(file.contentType)) {
    throw invalid('unsupported file type', { 'file.contentType': [`one of ${FILE_CONTENT_TYPES.join(', ')}`] });
  }
  const body = Buffer.from(file.data, 'base64');
  if (body.length === 0) throw invalid('the file is empty', { 'file.data': ['base64, not empty'] });
  const fileSha256 = createHash('sha256').update(body).digest('hex');
  const pointer = { kind: 'file' as const, resourceType: 'DocumentReference', contentType: file.contentType };
  return { body, fileSha256, pointer };
}

const FHIR_JSON = 'application/fhir+json';
