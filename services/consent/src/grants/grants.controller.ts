import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  ApiErrors,
  CurrentPrincipal,
  ForbiddenError,
  Roles,
  type Principal,
  eventContextOf,
  NoIdempotencyKey,
} from '@uhr/platform';
import { GrantTermsDto, IssueGrantDto, SignedDto } from './grant.dto.js';
import { GrantRepository, toFhir, toView, type GrantRow } from './grant.repository.js';
import { IssueGrantUseCase } from './use-cases/issue-grant/issue-grant.use-case.js';
import { RevokeGrantUseCase } from './use-cases/revoke-grant/revoke-grant.use-case.js';

const SEE_ALL = ['auditor', 'admin'];

function assertParty(p: Principal, row: GrantRow): GrantRow {
  if (
    row.patient_subject === p.subject ||
    row.grantee_subject === p.subject ||
    p.roles.some((r) => SEE_ALL.includes(r))
  )
    return row;
  throw new ForbiddenError('NotAPartyToGrant', 'only the patient, the grantee and auditors see a grant');
}

@ApiTags('grants')
@ApiBearerAuth()
@Controller('grants')
export class GrantsController {
  constructor(
    private readonly grants: GrantRepository,
    private readonly issue: IssueGrantUseCase,
    private readonly revoke: RevokeGrantUseCase,
  ) {}

  /** Returns a fresh grant id, the patient's nonce and the EIP-712 Grant message to sign. */
  @ApiOperation({
    summary: 'The patient’s Grant message to sign for these terms, with a fresh grant id and nonce (patients)',
    description:
      'Nothing is stored. 403 NotYourIdentity unless patientId is your own active identity; 422 UnknownGrantee ' +
      'unless granteeId is an active identity bound to a login.',
  })
  @ApiResponse({ status: 200, description: '{ grantId, nonce, deadline, toSign } (EIP-712 Grant)' })
  @ApiErrors(400, 401, 403, 422, 503)
  @Post('prepare')
  @NoIdempotencyKey('a query: the message to sign, nothing stored')
  @HttpCode(200)
  @Roles('patient')
  prepare(@Body() dto: GrantTermsDto, @CurrentPrincipal() p: Principal) {
    return this.issue.prepare(dto, p);
  }

  /** 202: relayed to Consent.grantBySig; `status` turns `active` once mined (consent.GrantIssued). */
  @ApiOperation({
    summary: 'Issue a grant the patient signed (from POST /grants/prepare), relayed to Consent.grantBySig (patients)',
    description:
      'With accessRequestId it also approves that request. 400 InvalidWindow, InvalidScope, InvalidGrantee; ' +
      '403 NotYourIdentity, InvalidSignature; 404 AccessRequestNotFound; 409 GrantAlreadyExists, RequestNotOpen; ' +
      '422 UnknownGrantee, GrantDoesNotAnswerRequest.',
  })
  @ApiResponse({ status: 202, description: 'stored as `requested`; `active` once mined (consent.GrantIssued)' })
  @ApiErrors(400, 401, 403, 404, 409, 422, 503)
  @Post()
  @HttpCode(202)
  @Roles('patient')
  create(@Body() dto: IssueGrantDto, @CurrentPrincipal() p: Principal) {
    return this.issue.execute(dto, p, eventContextOf(p));
  }

  @ApiOperation({ summary: 'Grants you are the patient or the grantee of, newest first (any signed-in user)' })
  @ApiResponse({ status: 200, description: 'up to `limit` (1–500, default 100) grants' })
  @ApiErrors(401, 503)
  @Get()
  async list(@CurrentPrincipal() p: Principal, @Query('limit') limit?: string) {
    return (await this.grants.listFor(p.subject, Math.min(Math.max(Number(limit) || 100, 1), 500))).map(toView);
  }

  @ApiOperation({ summary: 'One grant and its chain status (its patient, its grantee, auditors, administrators)' })
  @ApiResponse({ status: 200, description: 'the grant' })
  @ApiErrors(400, 401, 403, 404, 503)
  @Get(':id')
  async byId(@Param('id', new ParseUUIDPipe()) id: string, @CurrentPrincipal() p: Principal) {
    return toView(assertParty(p, await this.grants.rowOrThrow(id)));
  }

  /** The grant as a FHIR R4 Consent resource. */
  @ApiOperation({ summary: 'One grant as a FHIR R4 Consent (its patient, its grantee, auditors, administrators)' })
  @ApiResponse({ status: 200, description: 'a FHIR R4 Consent resource' })
  @ApiErrors(400, 401, 403, 404, 503)
  @Get(':id/fhir')
  async fhir(@Param('id', new ParseUUIDPipe()) id: string, @CurrentPrincipal() p: Principal) {
    return toFhir(assertParty(p, await this.grants.rowOrThrow(id)));
  }

  @ApiOperation({
    summary: 'The Revoke message the patient signs to withdraw a grant, with a fresh nonce (the grant’s patient)',
    description: 'Nothing is stored.',
  })
  @ApiResponse({ status: 200, description: '{ nonce, deadline, toSign } (EIP-712 Revoke)' })
  @ApiErrors(400, 401, 403, 404, 503)
  @Post(':id/revoke/prepare')
  @NoIdempotencyKey('a query: the message to sign, nothing stored')
  @HttpCode(200)
  @Roles('patient')
  prepareRevoke(@Param('id', new ParseUUIDPipe()) id: string, @CurrentPrincipal() p: Principal) {
    return this.revoke.prepare(id, p);
  }

  @ApiOperation({
    summary: 'Revoke a grant with the patient’s signed Revoke, relayed to Consent.revokeBySig (the grant’s patient)',
    description: '403 NotThePatient, InvalidSignature; 409 GrantNotActive when it is not active.',
  })
  @ApiResponse({ status: 202, description: '`revoking`, then `revoked` once mined (consent.GrantRevoked)' })
  @ApiErrors(400, 401, 403, 404, 409, 503)
  @Post(':id/revoke')
  @HttpCode(202)
  @Roles('patient')
  doRevoke(@Param('id', new ParseUUIDPipe()) id: string, @Body() dto: SignedDto, @CurrentPrincipal() p: Principal) {
    return this.revoke.execute(id, dto, p, eventContextOf(p));
  }
}
