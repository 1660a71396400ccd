import { randomBytes, randomUUID } from 'node:crypto';
import { BadRequestException, Injectable } from '@nestjs/common';
import {
  ForbiddenError,
  UnprocessableError,
  type EventContext,
  type Principal,
  IdentityDirectory,
  type KnownIdentity,
} from '@uhr/platform';
import { Contracts } from '../../../chain/contracts.js';
import { documentReferenceOf, FILE_CONTENT_TYPES, fhirProblems } from '../../domain/fhir.js';
import { contentHashOf, pointerHashOf } from '../../domain/on-chain.js';
import type { RecordCategory, RecordContent } from '../../domain/record.js';
import { RecordRepository, rowOf, toView, type RecordRow, type UploadCommand } from '../../record.repository.js';
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
}

const SIGNATURE_TTL_S = 3600;
const randomNonceText = () => BigInt('0x' + randomBytes(8).toString('hex')).toString();

interface Prepared {
  cmd: UploadRecord;
  provider: KnownIdentity;
  patient: KnownIdentity;
  principal: string;
  body: Buffer;
  kind: RecordContent['kind'];
  resourceType: string;
  contentType: string;
}

/** Same shape as the validation pipe's 400: `fields: { name: [reasons] }`. */
const invalid = (message: string, fields: Record<string, string[]>) =>
  new BadRequestException({ error: 'ValidationFailed', message, fields });

/**
 * A provider adds a record: encrypted under a fresh data key into S3, the stored bytes' hash and the pointer
 * kept on the record, and the AddRecord message returned for the provider to sign (the hash is only known once
 * the ciphertext exists, so anchoring is a second step: POST /records/:id/anchor).
 */
@Injectable()
export class UploadRecordUseCase {
  constructor(
    private readonly records: RecordRepository,
    private readonly directory: IdentityDirectory,
    private readonly packer: UploadPacker,
    private readonly contracts: Contracts,
  ) {}

  async execute(cmd: UploadRecord, p: Principal, ctx: EventContext) {
    const prepared = await this.prepare(cmd, p, new Map());
    const upload = await this.packer.submit(this.entryOf(prepared, ctx));
    const row = rowOf(upload, ctx);
    return {
      record: toView(row),
      ...(upload.content.kind === 'file'
        ? { documentReference: this.documentReference(row, row.content_hash.slice(2)) }
        : {}),
      toSign: this.addRecordTypedData(row),
    };
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
    for (const [i, cmd] of cmds.entries()) {
      try {
        prepared.push(await this.prepare(cmd, p, identities));
      } catch (err) {
        const body =
          err instanceof BadRequestException ? (err.getResponse() as { fields?: Record<string, string[]> }) : undefined;
        if (!body?.fields) throw err;
        for (const [k, v] of Object.entries(body.fields)) fields[`records[${i}].${k}`] = v;
      }
    }
    if (Object.keys(fields).length > 0) throw invalid('some records are invalid', fields);
    const uploads = await this.packer.storeAll(prepared.map((x) => this.entryOf(x, ctx)));
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
    const providerKey = `provider:${p.subject}:${cmd.providerId ?? ''}`;
    if (!identities.has(providerKey)) {
      identities.set(
        providerKey,
        this.directory.bySubject(p.subject).then((all) => {
          const providers = all.filter(
            (i) => i.kind === 'provider' && (cmd.providerId === undefined || i.id === cmd.providerId),
          );
          if (providers.length > 1) {
            throw invalid('several provider identities are bound to your login: name providerId', {
              providerId: ['required: several provider identities are bound to your login'],
            });
          }
          return providers[0];
        }),
      );
    }
    if (!identities.has(cmd.patientId)) identities.set(cmd.patientId, this.directory.byId(cmd.patientId));
    // Both look-ups at once; the provider's answer is judged first.
    const [provider, patient] = await Promise.all([identities.get(providerKey)!, identities.get(cmd.patientId)!]);
    if (!provider)
      throw new ForbiddenError('NoProviderIdentity', 'no registered provider identity is bound to your login');
    if (!patient || patient.kind !== 'patient' || patient.status !== 'active' || !patient.subject) {
      throw new UnprocessableError('UnknownPatient', `no active patient identity ${cmd.patientId}`);
    }

    let body: Buffer;
    let kind: RecordContent['kind'];
    let resourceType: string;
    let contentType: string;
    if (cmd.fhir !== undefined) {
      const problems = fhirProblems(cmd.fhir, patient.id);
      if (problems.length > 0) {
        throw invalid('the FHIR resource is invalid', Object.fromEntries(problems.map((x) => [x.field, [x.message]])));
      }
      body = Buffer.from(JSON.stringify(cmd.fhir), 'utf8');
      kind = 'fhir';
      resourceType = String(cmd.fhir.resourceType);
      contentType = 'application/fhir+json';
    } else {
      const file = cmd.file!;
      if (!(FILE_CONTENT_TYPES as readonly string[]).includes(file.contentType)) {
        throw invalid('unsupported file type', { 'file.contentType': [`one of ${FILE_CONTENT_TYPES.join(', ')}`] });
      }
      body = Buffer.from(file.data, 'base64');
      if (body.length === 0) throw invalid('the file is empty', { 'file.data': ['base64, not empty'] });
      kind = 'file';
      resourceType = 'DocumentReference';
      contentType = file.contentType;
    }
    return { cmd, provider, patient, principal: p.subject, body, kind, resourceType, contentType };
  }

  /** What the packer stores: the plaintext, and the command once its blob ref and hash are known. */
  private entryOf(x: Prepared, ctx: EventContext): PackEntry {
    const recordId = randomUUID();
    return {
      plaintext: x.body,
      contentType: x.contentType,
      ctx,
      command: (blobKey, sha256) => this.uploadCommand(x, recordId, blobKey, sha256),
    };
  }

  private uploadCommand(x: Prepared, recordId: string, blobKey: string, sha256: string): UploadCommand {
    return {
      type: 'UploadRecord',
      recordId,
      patientId: x.patient.id,
      providerId: x.provider.id,
      patientSubject: x.patient.subject!,
      providerSubject: x.principal,
      category: x.cmd.category,
      title: x.cmd.title,
      content: {
        kind: x.kind,
        resourceType: x.resourceType,
        contentType: x.contentType,
        blobKey,
        contentHash: contentHashOf(sha256),
        pointerHash: pointerHashOf({
          blobKey,
          category: x.cmd.category,
          contentType: x.contentType,
          kind: x.kind,
          resourceType: x.resourceType,
        }),
        size: x.body.length,
      },
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
