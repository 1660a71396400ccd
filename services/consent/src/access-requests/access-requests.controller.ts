import { randomUUID } from 'node:crypto';
import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  ApiErrors,
  CurrentPrincipal,
  ForbiddenError,
  InvalidRequestError,
  Roles,
  UnprocessableError,
  type Principal,
  IdentityDirectory,
  eventContextOf,
} from '@uhr/platform';
import { AccessRequestDto, DenyAccessRequestDto } from '../grants/grant.dto.js';
import { AccessRequestRepository, toView } from './access-request.repository.js';

/**
 * A third party asks; the patient is notified (consent.AccessRequested) and answers: approve by signing a grant
 * (POST /grants with accessRequestId), or deny here.
 */
@ApiTags('access-requests')
@ApiBearerAuth()
@Controller('access-requests')
export class AccessRequestsController {
  constructor(
    private readonly requests: AccessRequestRepository,
    private readonly directory: IdentityDirectory,
  ) {}

  @ApiOperation({
    summary: 'Ask a patient for access to records or categories (providers, pharmacists, labs, insurers, employers)',
    description:
      'The patient is notified (consent.AccessRequested). 400 when it asks for no record and no category; ' +
      '403 NoRequesterIdentity unless exactly one of your identities (name it with requesterId) makes it; ' +
      '422 UnknownPatient.',
  })
  @ApiResponse({ status: 201, description: 'the request, `open`' })
  @ApiErrors(400, 401, 403, 422, 503)
  @Post()
  @HttpCode(201)
  @Roles('provider', 'pharmacist', 'lab', 'insurer', 'employer')
  async create(@Body() dto: AccessRequestDto, @CurrentPrincipal() p: Principal) {
    if (dto.recordIds.length + dto.categories.length === 0) {
      throw new InvalidRequestError('ValidationFailed', 'ask for at least one record or category', {
        fields: { categories: ['at least one record or category'] },
      });
    }
    const mine = (await this.directory.bySubject(p.subject)).filter(
      (i) => i.kind !== 'patient' && (!dto.requesterId || i.id === dto.requesterId),
    );
    if (mine.length !== 1)
      throw new ForbiddenError(
        'NoRequesterIdentity',
        'exactly one registered identity of yours must make the request (name requesterId)',
      );
    const patient = await this.directory.byId(dto.patientId);
    if (!patient || patient.kind !== 'patient' || patient.status !== 'active' || !patient.subject) {
      throw new UnprocessableError('UnknownPatient', `no active patient identity ${dto.patientId}`);
    }
    const requestId = randomUUID();
    const ctx = eventContextOf(p);
    await this.requests.open(
      {
        type: 'consent.AccessRequested',
        version: 1,
        payload: {
          requestId,
          patientId: patient.id,
          patientSubject: patient.subject,
          requesterId: mine[0]!.id,
          requesterSubject: p.subject,
          purpose: dto.purpose,
          recordIds: dto.recordIds,
          categories: dto.categories,
        },
      },
      ctx,
    );
    return toView(await this.requests.rowOrThrow(requestId));
  }

  @ApiOperation({ summary: 'Access requests you made or were asked, newest first (any signed-in user)' })
  @ApiResponse({ status: 200, description: 'up to 200 requests' })
  @ApiErrors(401, 503)
  @Get()
  async list(@CurrentPrincipal() p: Principal) {
    return (await this.requests.listFor(p.subject, 200)).map(toView);
  }

  @ApiOperation({ summary: 'One access request (its patient and its requester)' })
  @ApiResponse({ status: 200, description: 'the request and its answer, if any' })
  @ApiErrors(400, 401, 403, 404, 503)
  @Get(':id')
  async byId(@Param('id', new ParseUUIDPipe()) id: string, @CurrentPrincipal() p: Principal) {
    const row = await this.requests.rowOrThrow(id);
    if (row.patient_subject !== p.subject && row.requester_subject !== p.subject) {
      throw new ForbiddenError('NotAParty', 'only the patient and the requester see an access request');
    }
    return toView(row);
  }

  @ApiOperation({
    summary: 'Deny an open access request, with a reason (the patient asked)',
    description:
      'Approve instead by issuing a grant that names it (POST /grants with accessRequestId). 409 RequestNotOpen.',
  })
  @ApiResponse({ status: 200, description: 'the request, `denied`' })
  @ApiErrors(400, 401, 403, 404, 409, 503)
  @Post(':id/deny')
  @HttpCode(200)
  @Roles('patient')
  async deny(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() dto: DenyAccessRequestDto,
    @CurrentPrincipal() p: Principal,
  ) {
    await this.requests.answer(id, p.subject, { approve: false, reason: dto.reason }, eventContextOf(p));
    return toView(await this.requests.rowOrThrow(id));
  }
}
