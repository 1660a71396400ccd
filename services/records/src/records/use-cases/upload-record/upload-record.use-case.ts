import { randomUUID } from 'node:crypto';
import { BadRequestException, Injectable } from '@nestjs/common';
import { EncryptedBlobStore, ForbiddenError, UnprocessableError, type EventContext, type Principal } from '@uhr/platform';
import { Contracts } from '../../../chain/contracts.js';
import { chainIdOf, IdentityDirectory } from '../../../identities/identity-directory.js';
import { documentReferenceOf, FILE_CONTENT_TYPES, fhirProblems } from '../../domain/fhir.js';
import { contentHashOf, pointerHashOf } from '../../domain/on-chain.js';
import type { RecordCategory, RecordContent } from '../../domain/record.js';
import { RecordRepository, toView, type RecordRow } from '../../record.repository.js';
import { refusalsAsHttp } from '../rule-violation.js';
import { relationshipsTypedData, type TypedDataRequest } from '../typed-data.js';

export interface UploadRecord {
  patientId: string;
  providerId?: string;
  category: RecordCategory;
  title: string;
  fhir?: Record<string, unknown>;
  file?: { contentType: string; data: string };
}

const SIGNATURE_TTL_S = 3600;

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
    private readonly blobs: EncryptedBlobStore,
    private readonly contracts: Contracts,
  ) {}

  async execute(cmd: UploadRecord, p: Principal, ctx: EventContext) {
    if ((cmd.fhir === undefined) === (cmd.file === undefined)) {
      throw invalid('send exactly one of fhir or file', { fhir: ['exactly one of fhir or file'] });
    }
    const providers = (await this.directory.bySubject(p.subject)).filter(
      (i) => i.kind === 'provider' && (cmd.providerId === undefined || i.id === cmd.providerId),
    );
    if (providers.length === 0) throw new ForbiddenError('NoProviderIdentity', 'no registered provider identity is bound to your login');
    if (providers.length > 1) {
      throw invalid('several provider identities are bound to your login: name providerId', { providerId: ['required: several provider identities are bound to your login'] });
    }
    const provider = providers[0]!;
    const patient = await this.directory.byId(cmd.patientId);
    if (!patient || patient.kind !== 'patient' || patient.status !== 'active' || !patient.subject) {
      throw new UnprocessableError('UnknownPatient', `no active patient identity ${cmd.patientId}`);
    }

    const recordId = randomUUID();
    const blobKey = `patients/${patient.id}/records/${recordId}`;
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
      if (body.length === 0) {
        throw invalid('the file is empty', { 'file.data': ['base64, not empty'] });
      }
      kind = 'file';
      resourceType = 'DocumentReference';
      contentType = file.contentType;
    }

    const stored = await this.blobs.put(blobKey, body, contentType);
    const content: RecordContent = {
      kind,
      resourceType,
      contentType,
      blobKey,
      contentHash: contentHashOf(stored.sha256),
      pointerHash: pointerHashOf({ blobKey, category: cmd.category, contentType, kind, resourceType }),
      size: body.length,
    };
    await refusalsAsHttp(() =>
      this.records.execute(
        recordId,
        {
          type: 'UploadRecord',
          recordId,
          patientId: patient.id,
          providerId: provider.id,
          patientSubject: patient.subject!,
          providerSubject: p.subject,
          category: cmd.category,
          title: cmd.title,
          content,
        },
        ctx,
      ),
    );
    const row = await this.records.rowOrThrow(recordId);
    return {
      record: toView(row),
      ...(kind === 'file' ? { documentReference: this.documentReference(row, stored.sha256) } : {}),
      toSign: await this.addRecordTypedData(row),
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

  /** The AddRecord message for the author to sign; its nonce follows the author's signatures still in flight. */
  async addRecordTypedData(row: RecordRow): Promise<TypedDataRequest> {
    const providerChainId = chainIdOf(row.provider_id);
    const nonce = (await this.contracts.relationshipsNonce(providerChainId)) + BigInt(await this.records.anchoringCount(row.provider_id));
    return relationshipsTypedData(this.contracts.relationshipsDomain, 'AddRecord', {
      providerId: providerChainId,
      patientId: chainIdOf(row.patient_id),
      recordId: chainIdOf(row.id),
      contentHash: row.content_hash,
      pointerHash: row.pointer_hash,
      nonce: nonce.toString(),
      deadline: String(Math.floor(Date.now() / 1000) + SIGNATURE_TTL_S),
    });
  }
}
