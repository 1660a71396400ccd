import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseBoolPipe,
  ParseUUIDPipe,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  ApiErrors,
  ConflictError,
  CurrentPrincipal,
  ForbiddenError,
  Roles,
  chainIdOf,
  type EventEnvelope,
  type Principal,
  eventContextOf,
  NoIdempotencyKey,
} from '@uhr/platform';
import { proofOf } from './batches/domain/batch.js';
import { recordLeafFieldsOf } from './domain/on-chain.js';
import { provenanceOf, type ProvenanceFacts } from './domain/provenance.js';
import {
  AnchorManyDto,
  RespondDto,
  RespondManyDto,
  ResponsesRequestDto,
  SignatureDto,
  UploadRecordDto,
  UploadRecordsDto,
} from './record.dto.js';
import { RecordRepository, toView, type RecordRow } from './record.repository.js';
import { RespondToRecordUseCase } from './use-cases/respond-to-record/respond-to-record.use-case.js';
import { SignRecordAnchorUseCase } from './use-cases/sign-record-anchor/sign-record-anchor.use-case.js';
import { EraseRecordUseCase } from './use-cases/erase-record/erase-record.use-case.js';
import { RotateKekUseCase } from './use-cases/rotate-kek/rotate-kek.use-case.js';
import { UploadRecordUseCase } from './use-cases/upload-record/upload-record.use-case.js';

/** Until the patient accepts (and after), record metadata is visible to its patient and its author only. */
function assertPartyTo(p: Principal, row: RecordRow): RecordRow {
  if (row.patient_subject === p.subject || row.provider_subject === p.subject) return row;
  throw new ForbiddenError('NotAPartyToRecord', 'only the patient and the author see this record');
}

/** What a patient or author needs to prove a record (and its answer) against the chain on their own. */
function proofView(row: RecordRow) {
  const anchored = row.status !== 'uploaded' && row.status !== 'anchoring' && row.anchor_root !== null;
  if (!anchored) throw new ConflictError('RecordNotAnchored', `record is ${row.status}: its batch is not on-chain yet`);
  const answered = (row.status === 'accepted' || row.status === 'rejected') && row.response_root !== null;
  return {
    recordId: row.id,
    record: { root: row.anchor_root, leaf: recordLeafFieldsOf(row), proof: proofOf(row.anchor_proof) },
    response: answered
      ? {
          root: row.response_root,
          leaf: {
            patientId: chainIdOf(row.patient_id),
            recordId: chainIdOf(row.id),
            accept: row.response_accept === true,
            authHash: row.response_auth_hash,
          },
          proof: proofOf(row.response_proof),
        }
      : null,
  };
}

/** What the Provenance states: the row, and the author's last accepted AddRecord signature from its history. */
function provenanceFactsOf(row: RecordRow, history: EventEnvelope[]): ProvenanceFacts {
  const signed = history.filter((e) => e.type === 'records.RecordAnchorRequested').at(-1);
  const sig = signed?.payload as { signer: string; signature: string } | undefined;
  const answered = (row.status === 'accepted' || row.status === 'rejected') && row.response_root !== null;
  return {
    recordId: row.id,
    resourceType: row.resource_type,
    providerId: row.provider_id,
    patientId: row.patient_id,
    recorded: new Date(row.created_at).toISOString(),
    contentHash: row.content_hash,
    status: row.status,
    batchRoot: row.anchor_root,
    anchorTxHash: row.anchor_tx_hash,
    signature: sig ? { signer: sig.signer, signature: sig.signature, at: signed!.occurredAt } : null,
    response: answered
      ? { accept: row.response_accept === true, batchRoot: row.response_root!, txHash: row.response_tx_hash }
      : null,
  };
}

@ApiTags('records')
@ApiBearerAuth()
@Controller('records')
export class RecordsController {
  constructor(
    private readonly records: RecordRepository,
    private readonly upload: UploadRecordUseCase,
    private readonly signAnchor: SignRecordAnchorUseCase,
    private readonly respond: RespondToRecordUseCase,
    private readonly eraseRecord: EraseRecordUseCase,
    private readonly rotate: RotateKekUseCase,
  ) {}

  /**
   * 201 with the AddRecord message to sign (POST /records/:id/anchor with the signature puts it on-chain); or,
   * signed before uploading (recordId, salt, anchor), 202: stored and queued for the next Merkle batch. 200 for a
   * retry of a record id already stored with this content.
   */
  @ApiOperation({
    summary: 'Add a record (FHIR resource or file) for a patient',
    description:
      'Signed in the same request (recordId, salt, anchor — see GET /signing for the AddRecord domain and type): ' +
      '202, stored and queued for its Merkle batch. Unsigned: 201 with `toSign`, then POST /records/{id}/anchor. ' +
      'contentHash = keccak256(salt ‖ body), body = the resource as RFC 8785 JSON or the file bytes (ADR 0012). ' +
      '`fhir` is validated as FHIR R4 before anything is stored (ADR 0018: structure, unknown elements, ' +
      'cardinality, types and formats, required-binding codes, contained resources) and must name the patient in ' +
      'the element its type uses (`subject`; `patient` for Immunization and AllergyIntolerance): an invalid ' +
      'resource is 400 ValidationFailed with `fields` keyed `fhir.<element>` and `details.fhir` listing each ' +
      'issue as {field, path (e.g. Observation.status), rule (required, unknown-element, cardinality, type, ' +
      'format, code, resource-type, record-patient), message}.',
  })
  @ApiResponse({ status: 202, description: 'signed: stored, status `anchoring`' })
  @ApiResponse({ status: 201, description: 'unsigned: stored, with the AddRecord message to sign (`toSign`)' })
  @ApiResponse({ status: 200, description: 'a retry of this recordId, salt and content: the record already stored' })
  @ApiErrors(400, 401, 403, 409, 422, 503)
  @Post()
  @Roles('provider', 'lab')
  async add(
    @Body() dto: UploadRecordDto,
    @CurrentPrincipal() p: Principal,
    @Res({ passthrough: true }) res: { status(code: number): unknown },
  ) {
    const answer = await this.upload.execute(dto, p, eventContextOf(p));
    res.status(!answer.created ? 200 : dto.anchor ? 202 : 201);
    return answer.body;
  }

  /** Bulk ingest: 201 once all are encrypted in S3 and committed; each is then anchored like a single upload. */
  @ApiOperation({
    summary: 'Bulk upload of 1–1,000 records, all or none; one AddRecords message to sign',
    description:
      'Every member is validated first, FHIR R4 included (as POST /records): one invalid member refuses the ' +
      'batch (400, nothing stored), its issues named `records[i].…` in `fields` and `details.fhir`.',
  })
  @ApiResponse({ status: 201, description: 'stored: each id and hashes, and `toSign` (AddRecords)' })
  @ApiErrors(400, 401, 403, 422, 503)
  @Post('batch')
  @Roles('provider', 'lab')
  addMany(@Body() dto: UploadRecordsDto, @CurrentPrincipal() p: Principal) {
    return this.upload.executeBatch(dto.records, p, eventContextOf(p));
  }

  /** One AddRecords signature anchoring a whole bulk batch (202; `pending` once its Merkle batch is mined). */
  @ApiOperation({ summary: 'The AddRecords signature of a bulk batch: every record queued for anchoring' })
  @ApiResponse({ status: 202, description: 'queued: `anchoring`, then `pending` once the Merkle batch is mined' })
  @ApiErrors(400, 401, 403, 404, 409, 503)
  @Post('batch/anchor')
  @HttpCode(202)
  @Roles('provider', 'lab')
  anchorMany(@Body() dto: AnchorManyDto, @CurrentPrincipal() p: Principal) {
    return this.signAnchor.executeMany(dto, p, eventContextOf(p));
  }

  @ApiOperation({
    summary: 'Records you are the patient or the author of, newest first',
    description: '`limit` 1–500, default 100.',
  })
  @ApiResponse({ status: 200, description: 'the records’ metadata and status, newest first' })
  @ApiErrors(401, 503)
  @Get()
  list(@CurrentPrincipal() p: Principal, @Query('limit') limit?: string) {
    return this.records.listFor(p.subject, Math.min(Math.max(Number(limit) || 100, 1), 500));
  }

  @ApiOperation({
    summary: 'One record’s metadata and status (its patient and author only)',
    description: '403 NotAPartyToRecord for anyone else; 404 RecordNotFound.',
  })
  @ApiResponse({ status: 200, description: 'the record’s metadata and status' })
  @ApiErrors(400, 401, 403, 404, 503)
  @Get(':id')
  async byId(@Param('id', new ParseUUIDPipe()) id: string, @CurrentPrincipal() p: Principal) {
    return toView(assertPartyTo(p, await this.records.rowOrThrow(id)));
  }

  @ApiOperation({
    summary: 'A fresh AddRecord message for an unsigned upload, to sign and send to POST /records/{id}/anchor',
    description:
      'For the record’s author only (403 NotTheAuthor); a new nonce and deadline each time, so a lost `toSign` ' +
      'or one whose deadline passed is replaced.',
  })
  @ApiResponse({ status: 200, description: 'the EIP-712 typed data (domain, types, message) to sign' })
  @ApiErrors(400, 401, 403, 404, 503)
  @Get(':id/anchor-request')
  @Roles('provider', 'lab')
  async anchorRequest(@Param('id', new ParseUUIDPipe()) id: string, @CurrentPrincipal() p: Principal) {
    const row = await this.records.rowOrThrow(id);
    if (row.provider_subject !== p.subject)
      throw new ForbiddenError('NotTheAuthor', 'only the author signs the anchor');
    return this.upload.addRecordTypedData(row);
  }

  @ApiOperation({ summary: 'The author’s AddRecord signature for an unsigned upload (toSign of POST /records)' })
  @ApiResponse({ status: 202, description: 'queued for the next Merkle batch' })
  @ApiErrors(400, 401, 403, 404, 409, 503)
  @Post(':id/anchor')
  @HttpCode(202)
  @Roles('provider', 'lab')
  anchor(@Param('id', new ParseUUIDPipe()) id: string, @Body() dto: SignatureDto, @CurrentPrincipal() p: Principal) {
    return this.signAnchor.execute(id, dto, p, eventContextOf(p));
  }

  @ApiOperation({
    summary: 'The RespondToRecords message answering one record, to sign and send to POST /records/{id}/response',
    description: '`accept` true or false (400 otherwise). The record’s patient only (403 NotThePatient).',
  })
  @ApiResponse({ status: 200, description: 'the EIP-712 typed data (domain, types, message) to sign' })
  @ApiErrors(400, 401, 403, 404, 503)
  @Get(':id/response-request')
  @Roles('patient')
  responseRequest(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Query('accept', new ParseBoolPipe()) accept: boolean,
    @CurrentPrincipal() p: Principal,
  ) {
    return this.respond.typedData([id], accept, p);
  }

  /** The patient's signed accept/reject of one record (202; accepted/rejected once its batch is anchored). */
  @ApiOperation({ summary: 'The patient accepts or rejects one record (RespondToRecords over a list of one)' })
  @ApiResponse({ status: 202, description: '`responding`, then accepted/rejected once its batch is anchored' })
  @ApiErrors(400, 401, 403, 404, 409, 503)
  @Post(':id/response')
  @HttpCode(202)
  @Roles('patient')
  async answer(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() dto: RespondDto,
    @CurrentPrincipal() p: Principal,
  ) {
    const { records } = await this.respond.execute({ ...dto, recordIds: [id] }, p, eventContextOf(p));
    return records[0];
  }

  /** The RespondToRecords message answering several records with one signature. */
  @ApiOperation({
    summary: 'The RespondToRecords message answering several records, to sign and send to POST /records/responses',
    description:
      'A query: nothing is stored. Every record must be the caller’s, all of one patient (403 NotThePatient); ' +
      '404 RecordNotFound names an unknown one.',
  })
  @ApiResponse({ status: 200, description: 'the EIP-712 typed data (domain, types, message) to sign' })
  @ApiErrors(400, 401, 403, 404, 503)
  @Post('responses/request')
  @NoIdempotencyKey('a query: the message to sign, nothing stored')
  @HttpCode(200)
  @Roles('patient')
  responsesRequest(@Body() dto: ResponsesRequestDto, @CurrentPrincipal() p: Principal) {
    return this.respond.typedData(dto.recordIds, dto.accept, p);
  }

  /** One signature, many answers (202; each accepted/rejected once its batch is anchored). */
  @ApiOperation({ summary: 'The patient answers up to 500 records with one RespondToRecords signature' })
  @ApiResponse({ status: 202, description: 'each `responding`, then accepted/rejected once anchored' })
  @ApiErrors(400, 401, 403, 404, 409, 503)
  @Post('responses')
  @HttpCode(202)
  @Roles('patient')
  answerMany(@Body() dto: RespondManyDto, @CurrentPrincipal() p: Principal) {
    return this.respond.execute(dto, p, eventContextOf(p));
  }

  /** The record's inclusion proof: check it with Relationships.verifyRecord(root, leaf, proof). */
  @ApiOperation({
    summary: 'The record’s (and its answer’s) Merkle inclusion proof',
    description:
      'Check it yourself with Relationships.verifyRecord(root, leaf, proof) / verifyResponse. 409 ' +
      'RecordNotAnchored until its batch is on-chain.',
  })
  @ApiResponse({ status: 200, description: '{ recordId, record: { root, leaf, proof }, response: … or null }' })
  @ApiErrors(400, 401, 403, 404, 409, 503)
  @Get(':id/proof')
  async proof(@Param('id', new ParseUUIDPipe()) id: string, @CurrentPrincipal() p: Principal) {
    return proofView(assertPartyTo(p, await this.records.rowOrThrow(id)));
  }

  @ApiOperation({
    summary: 'The record’s FHIR R4 Provenance: its upload, the author’s signature and its on-chain anchor',
    description:
      'Authorised like the record’s metadata (its patient and its author). target = the stored resource ' +
      '(`<resourceType>/<record id>`); recorded = the upload time; agent = the author (Practitioner/<provider ' +
      'identity id>) and the records service as custodian; signature = the author’s EIP-712 AddRecord (or ' +
      'AddRecords) signature, base64 (sigFormat application/eip712+json), once given; entity = the content hash ' +
      'and, once mined, the Merkle batch root and the Relationships.anchorBatch transaction (and the patient’s ' +
      'answer, once anchored). Validated as FHIR R4 by the validator uploads pass through (ADR 0018).',
  })
  @ApiResponse({ status: 200, description: 'a FHIR R4 Provenance resource' })
  @ApiErrors(400, 401, 403, 404, 503)
  @Get(':id/provenance')
  async provenance(@Param('id', new ParseUUIDPipe()) id: string, @CurrentPrincipal() p: Principal) {
    const row = assertPartyTo(p, await this.records.rowOrThrow(id));
    return provenanceOf(provenanceFactsOf(row, await this.records.history(id)));
  }

  @ApiOperation({
    summary: 'Erase a record cryptographically (the patient, or an administrator)',
    description:
      'Its data key is destroyed with the copy of the pack it was stored in; records stored beside it keep ' +
      'reading. From then on the record answers 410 RecordErased; its anchor stays on-chain, unlinkable.',
  })
  @ApiResponse({ status: 200, description: '{ id, status: "erased" }' })
  @ApiErrors(400, 401, 403, 404, 409, 503)
  @Delete(':id')
  @Roles('patient', 'admin')
  erase(@Param('id', new ParseUUIDPipe()) id: string, @CurrentPrincipal() p: Principal) {
    return this.eraseRecord.execute(id, p, eventContextOf(p));
  }

  @ApiOperation({
    summary: 'KEK rotation pass (admin): re-seal up to maxPacks packs not under the active KEK',
    description: 'Make the new KEK active first (the old one stays in the ring); repeat until packsLeft is 0.',
  })
  @ApiResponse({ status: 200, description: '{ activeKid, packsRewritten, recordsMoved, packsSkipped, packsLeft }' })
  @ApiErrors(401, 403, 503)
  @Post('admin/kek-rotation')
  @HttpCode(200)
  @Roles('admin')
  rotateKek(@Query('maxPacks') maxPacks?: string) {
    return this.rotate.execute(Math.min(Math.max(Number(maxPacks) || 100, 1), 1000));
  }

  @ApiOperation({
    summary: 'Every event of a record, oldest first (its patient and author only)',
    description: 'Upload, anchor requests, batch outcomes, answers and erasure: the record’s own audit trail.',
  })
  @ApiResponse({ status: 200, description: 'the event envelopes, oldest first' })
  @ApiErrors(400, 401, 403, 404, 503)
  @Get(':id/history')
  async history(@Param('id', new ParseUUIDPipe()) id: string, @CurrentPrincipal() p: Principal) {
    assertPartyTo(p, await this.records.rowOrThrow(id));
    return this.records.history(id);
  }
}
