import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import {
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
  @Post('prepare')
  @NoIdempotencyKey('a query: the message to sign, nothing stored')
  @HttpCode(200)
  @Roles('patient')
  prepare(@Body() dto: GrantTermsDto, @CurrentPrincipal() p: Principal) {
    return this.issue.prepare(dto, p);
  }

  /** 202: relayed to Consent.grantBySig; `status` turns `active` once mined (consent.GrantIssued). */
  @Post()
  @HttpCode(202)
  @Roles('patient')
  create(@Body() dto: IssueGrantDto, @CurrentPrincipal() p: Principal) {
    return this.issue.execute(dto, p, eventContextOf(p));
  }

  @Get()
  async list(@CurrentPrincipal() p: Principal, @Query('limit') limit?: string) {
    return (await this.grants.listFor(p.subject, Math.min(Math.max(Number(limit) || 100, 1), 500))).map(toView);
  }

  @Get(':id')
  async byId(@Param('id', new ParseUUIDPipe()) id: string, @CurrentPrincipal() p: Principal) {
    return toView(assertParty(p, await this.grants.rowOrThrow(id)));
  }

  /** The grant as a FHIR R4 Consent resource. */
  @Get(':id/fhir')
  async fhir(@Param('id', new ParseUUIDPipe()) id: string, @CurrentPrincipal() p: Principal) {
    return toFhir(assertParty(p, await this.grants.rowOrThrow(id)));
  }

  @Post(':id/revoke/prepare')
  @NoIdempotencyKey('a query: the message to sign, nothing stored')
  @HttpCode(200)
  @Roles('patient')
  prepareRevoke(@Param('id', new ParseUUIDPipe()) id: string, @CurrentPrincipal() p: Principal) {
    return this.revoke.prepare(id, p);
  }

  @Post(':id/revoke')
  @HttpCode(202)
  @Roles('patient')
  doRevoke(@Param('id', new ParseUUIDPipe()) id: string, @Body() dto: SignedDto, @CurrentPrincipal() p: Principal) {
    return this.revoke.execute(id, dto, p, eventContextOf(p));
  }
}
