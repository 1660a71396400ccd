import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Res, UseFilters } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  ApiErrors,
  CurrentPrincipal,
  ForbiddenError,
  NotFoundError,
  ServerTiming,
  type Principal,
  eventContextOf,
  NoIdempotencyKey,
  Roles,
} from '@uhr/platform';
import { RecordRepository } from '../records/record.repository.js';
import { AuditRepository } from './audit/audit.repository.js';
import { AuditAnchorer } from './chain/audit-anchorer.js';
import { ReadAttemptAuditFilter } from './read-attempt-audit.filter.js';
import { SignedReadRequestDto } from './read-request.dto.js';
import { RaiseConcernDto } from './raise-concern.dto.js';
import { RaiseConcernUseCase } from './use-cases/raise-concern/raise-concern.use-case.js';
import { ReadRecordUseCase } from './use-cases/read-record/read-record.use-case.js';

const SEE_ALL = ['auditor', 'admin'];
const clamp = (limit?: string) => Math.min(Math.max(Number(limit) || 100, 1), 1000);

@ApiTags('gatekeeper')
@ApiBearerAuth()
@Controller()
export class GatekeeperController {
  constructor(
    private readonly read: ReadRecordUseCase,
    private readonly audit: AuditRepository,
    private readonly anchorer: AuditAnchorer,
    private readonly records: RecordRepository,
    private readonly concern: RaiseConcernUseCase,
  ) {}

  /**
   * The signed read. Roles are checked inside (not by @Roles) so that a wrong-role attempt is audited too, and so
   * is an attempt refused for its input (ReadAttemptAuditFilter).
   * 200 with the record; 403 denied (reason in `error`); 404 unknown record; 409 IntegrityViolation; 503 chain down.
   * `Server-Timing` tells where the time went (signature, chain, blob, audit…), allowed or denied.
   */
  @ApiOperation({
    summary: 'The signed read: the record, if the chain allows this reader now',
    description:
      'Body: a ReadRecord signed in the `gatekeeper` domain (GET /signing) by your registered key. Every attempt ' +
      'is audited for the patient, allowed or not. A one-time grant is spent once per signed request: sending ' +
      'the same request again after a lost answer returns the same use. A refusal names its reason in `error` ' +
      'and the audit id in `details.auditId`: 403 (no permission, GrantExhausted, NonceReplayed, a signature ' +
      'that does not match…), 404 RecordNotFound, 410 RecordErased, 409 IntegrityViolation (the bytes do not ' +
      'hash to the anchored value), 503 ChainUnavailable, BlobStoreUnavailable or KeyUnavailable.',
  })
  @ApiResponse({ status: 200, description: 'the FHIR resource (or file), its title, the audit id and the basis' })
  @ApiErrors(400, 401, 403, 404, 409, 410, 503)
  @Post('records/:id/read')
  @NoIdempotencyKey('the answer is plaintext health data, never stored; a signed read is idempotent by its nonce')
  @HttpCode(200)
  @UseFilters(ReadAttemptAuditFilter)
  async readRecord(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() dto: SignedReadRequestDto,
    @CurrentPrincipal() p: Principal,
    @Res({ passthrough: true }) res: { header(name: string, value: string): unknown },
  ) {
    const timing = new ServerTiming();
    try {
      return await this.read.execute(id, dto, p, eventContextOf(p), timing);
    } finally {
      res.header('Server-Timing', timing.header());
    }
  }

  /** Every access to the caller's data (patient), or every access (auditor, admin): FHIR AuditEvents. */
  @ApiOperation({
    summary:
      'Reads of your records, allowed or denied (any signed-in user); every read for auditors and administrators',
    description: 'FHIR AuditEvents, newest first; `limit` 1–1,000, default 100.',
  })
  @ApiResponse({ status: 200, description: 'the FHIR AuditEvents, newest first' })
  @ApiErrors(401, 503)
  @Get('access-log')
  accessLog(@CurrentPrincipal() p: Principal, @Query('limit') limit?: string) {
    if (p.roles.some((r) => SEE_ALL.includes(r))) return this.audit.all(clamp(limit));
    return this.audit.forPatient(p.subject, clamp(limit));
  }

  @ApiOperation({
    summary: 'Reads of one record, allowed or denied (its patient, auditors and administrators)',
    description:
      'FHIR AuditEvents, newest first; `limit` 1–1,000, default 100. 403 NotThePatient for anyone else, an ' +
      'unknown record included.',
  })
  @ApiResponse({ status: 200, description: 'the record’s FHIR AuditEvents, newest first' })
  @ApiErrors(400, 401, 403, 503)
  @Get('records/:id/access-log')
  async recordAccessLog(
    @Param('id', new ParseUUIDPipe()) id: string,
    @CurrentPrincipal() p: Principal,
    @Query('limit') limit?: string,
  ) {
    const row = await this.records.row(id);
    const mayRead = p.roles.some((r) => SEE_ALL.includes(r)) || row?.patient_subject === p.subject;
    if (!mayRead)
      throw new ForbiddenError('NotThePatient', 'only the patient (or an auditor) reads a record’s access log');
    return this.audit.forRecord(id, clamp(limit));
  }

  /** The Merkle inclusion proof of one audit entry, verified against the Anchors contract. */
  @ApiOperation({
    summary: 'The Merkle inclusion proof of one audit entry, verified against the Anchors contract',
    description:
      'The entry’s patient, auditors and administrators (403 NotThePatient otherwise). 404 AuditEntryNotFound, ' +
      'or NotAnchoredYet while the entry waits for its batch; `verifiedOnChain` is true once that batch is ' +
      'confirmed and the contract accepts the proof.',
  })
  @ApiResponse({
    status: 200,
    description: '{ stream, seq, batchIndex, dataHash, leaf, root, proof, anchorTxHash, status, verifiedOnChain }',
  })
  @ApiErrors(400, 401, 403, 404, 503)
  @Get('access-log/:auditId/proof')
  async proof(@Param('auditId', new ParseUUIDPipe()) auditId: string, @CurrentPrincipal() p: Principal) {
    const entry = await this.audit.byId(auditId);
    if (!entry) throw new NotFoundError('AuditEntryNotFound', `no audit entry ${auditId}`);
    if (!p.roles.some((r) => SEE_ALL.includes(r)) && entry.patientSubject !== p.subject) {
      throw new ForbiddenError('NotThePatient', 'only the patient (or an auditor) reads this entry');
    }
    const proof = await this.anchorer.proofOf(auditId);
    if (!proof) throw new NotFoundError('NotAnchoredYet', 'the entry is not in an anchored batch yet');
    return proof;
  }

  @ApiOperation({
    summary: 'Report a concern about one access to your records (its patient)',
    description:
      'Body: `{ message? }` (at most 2,000 characters). The auditors see it (GET /access-concerns) and it is ' +
      'published as records.AccessConcernRaised. One concern per access: raising it again answers the first ' +
      '(200). 403 NotThePatient for anyone but the patient of the record read, 404 AuditEntryNotFound, 422 ' +
      'OwnAccess for an access that was your own.',
  })
  @ApiResponse({ status: 201, description: 'the concern, raised: `{ created: true, concern }`' })
  @ApiResponse({ status: 200, description: 'raised before: `{ created: false, concern }` (the first one)' })
  @ApiErrors(400, 401, 403, 404, 422, 503)
  @Post('access-log/:auditId/concern')
  @NoIdempotencyKey('one concern per access: raising it again answers the first')
  async raiseConcern(
    @Param('auditId', new ParseUUIDPipe()) auditId: string,
    @Body() dto: RaiseConcernDto,
    @CurrentPrincipal() p: Principal,
    @Res({ passthrough: true }) res: { status(code: number): unknown },
  ) {
    const answer = await this.concern.execute(auditId, dto.message ?? '', p, eventContextOf(p));
    res.status(answer.created ? 201 : 200);
    return answer;
  }

  @ApiOperation({
    summary: 'Concerns patients raised about accesses, newest first (auditors and administrators)',
    description: '`limit` 1–1,000, default 100.',
  })
  @ApiResponse({
    status: 200,
    description: '[{ auditId, recordId, patientSubject, readerSubject, message, raisedAt }]',
  })
  @ApiErrors(401, 403, 503)
  @Get('access-concerns')
  @Roles('auditor', 'admin')
  accessConcerns(@Query('limit') limit?: string) {
    return this.audit.concerns(clamp(limit));
  }
}
