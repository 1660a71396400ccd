import { Body, Controller, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  ApiErrors,
  CurrentPrincipal,
  EncryptedBlobStore,
  ForbiddenError,
  NotFoundError,
  Roles,
  type Principal,
} from '@uhr/platform';
import { AccessAudit } from '../audit/access-audit.js';
import { MatchRunRepository } from '../matching/match-run.repository.js';
import { CLOCK, type Clock } from '../shared/clock.js';
import { commandContext, hasRole } from '../shared/context.js';
import { RecordArrivalDto, RecordOrganDto, RegisterDonorDto } from './donation.dto.js';
import { DonationRepository } from './donation.repository.js';
import { fhirOrgan, type Organ } from './domain/organ.js';
import { RecordOrganUseCase } from './use-cases/record-organ/record-organ.use-case.js';
import { RegisterDonorUseCase } from './use-cases/register-donor/register-donor.use-case.js';

@ApiTags('donation')
@ApiBearerAuth()
@Controller()
export class DonationController {
  constructor(
    private readonly donations: DonationRepository,
    private readonly registerDonor: RegisterDonorUseCase,
    private readonly recordOrganUseCase: RecordOrganUseCase,
    private readonly runs: MatchRunRepository,
    private readonly blobs: EncryptedBlobStore,
    private readonly audit: AccessAudit,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @ApiOperation({
    summary: 'Register a donor: identity and consent document encrypted, the consent hash anchored (organ bank)',
  })
  @ApiResponse({ status: 201, description: 'the opaque donor id, the consent hash and its anchor entry' })
  @ApiErrors(400, 401, 403, 503)
  @Post('donors')
  @Roles('organ-bank')
  register(@Body() dto: RegisterDonorDto, @CurrentPrincipal() p: Principal) {
    const consent = { mediaType: dto.consent.mediaType, document: Buffer.from(dto.consent.contentBase64, 'base64') };
    const identity = { ...dto.identity };
    return this.registerDonor.execute({ kind: dto.kind, identity, consent }, commandContext(p, this.clock));
  }

  /** The donor as the registry shows it: opaque id, kind, anchored consent hash — no identity. */
  @ApiOperation({
    summary: 'A donor as the registry shows it: opaque id, kind, consent hash, never the identity',
    description: 'Organ bank and auditors; the read is written in the access log. 404 DonorNotFound.',
  })
  @ApiResponse({ status: 200, description: 'the donor, without identity' })
  @ApiErrors(401, 403, 404, 503)
  @Get('donors/:id')
  @Roles('organ-bank', 'auditor')
  async donor(@Param('id') id: string, @CurrentPrincipal() p: Principal) {
    const d = await this.donations.donor(id);
    if (!d) throw new NotFoundError('DonorNotFound', `no donor ${id}`);
    await this.audit.record(p, 'donor', [id]);
    const { identityBlob: _i, consentBlob: _c, ...view } = d;
    return view;
  }

  /** The donor's identity, decrypted: the organ bank only, and written in the access log as such. */
  @ApiOperation({
    summary: 'A donor’s identity, decrypted (organ bank only; logged as read-identity)',
    description: '404 DonorNotFound.',
  })
  @ApiResponse({ status: 200, description: '{ donorId, identity }' })
  @ApiErrors(401, 403, 404, 503)
  @Get('donors/:id/identity')
  @Roles('organ-bank')
  async identity(@Param('id') id: string, @CurrentPrincipal() p: Principal) {
    const d = await this.donations.donor(id);
    if (!d) throw new NotFoundError('DonorNotFound', `no donor ${id}`);
    await this.audit.record(p, 'donor', [id], 'read-identity');
    const blob = await this.blobs.get(d.identityBlob.key, d.identityBlob.sha256);
    return { donorId: id, identity: JSON.parse(blob.plaintext.toString('utf8')) as unknown };
  }

  @ApiOperation({
    summary: 'Record a procured organ of a registered donor (organ bank)',
    description: '404 DonorNotFound; 400 InvalidOrgan naming each broken rule (e.g. a cross-clamp in the future).',
  })
  @ApiResponse({ status: 201, description: 'the organ, with its opaque id' })
  @ApiErrors(400, 401, 403, 404, 503)
  @Post('organs')
  @Roles('organ-bank')
  recordOrgan(@Body() dto: RecordOrganDto, @CurrentPrincipal() p: Principal) {
    const { crossClampAt, hla, procurementHospital: h, ...rest } = dto;
    const fields: Omit<Organ, 'id'> = {
      ...rest,
      hla: Object.fromEntries(Object.entries(hla).filter(([, v]) => v !== undefined)),
      crossClampAt: Date.parse(crossClampAt),
      procurementHospital: { id: h.id, name: h.name, location: { lat: h.location.lat, lon: h.location.lon } },
    };
    return this.recordOrganUseCase.execute(fields, commandContext(p, this.clock));
  }

  @ApiOperation({
    summary:
      'An organ’s clinical fields and donor id (organ bank, auditors; a centre whose candidate was ranked for it)',
    description: '403 NotOfferedToYou for any other centre; 404 OrganNotFound. The read is logged.',
  })
  @ApiResponse({ status: 200, description: 'the organ' })
  @ApiErrors(401, 403, 404, 503)
  @Get('organs/:id')
  @Roles('organ-bank', 'auditor', 'provider')
  async organ(@Param('id') id: string, @CurrentPrincipal() p: Principal) {
    return this.readableOrgan(id, p);
  }

  @ApiOperation({
    summary: 'An organ as a FHIR resource (read like GET /organs/{id})',
    description: '403 NotOfferedToYou; 404 OrganNotFound.',
  })
  @ApiResponse({ status: 200, description: 'the organ as a FHIR R4 BiologicallyDerivedProduct' })
  @ApiErrors(401, 403, 404, 503)
  @Get('organs/:id/fhir')
  @Roles('organ-bank', 'auditor', 'provider')
  async organFhir(@Param('id') id: string, @CurrentPrincipal() p: Principal) {
    return fhirOrgan(await this.readableOrgan(id, p));
  }

  /** The organ reached the transplant centre (never before its cross-clamp). */
  @ApiOperation({
    summary: 'Record that the organ reached the transplant centre: cold ischemia is fixed from here (organ bank)',
    description: '404 OrganNotFound; 400 InvalidArrival (already arrived, before the cross-clamp, or in the future).',
  })
  @ApiResponse({ status: 200, description: 'the organ, with `arrivedAt`' })
  @ApiErrors(400, 401, 403, 404, 503)
  @Post('organs/:id/arrival')
  @HttpCode(200)
  @Roles('organ-bank')
  arrival(@Param('id') id: string, @Body() dto: RecordArrivalDto, @CurrentPrincipal() p: Principal) {
    return this.recordOrganUseCase.arrived(id, Date.parse(dto.arrivedAt), commandContext(p, this.clock));
  }

  /** Organ bank and auditors read any organ; a centre only one its candidates were ranked for. */
  private async readableOrgan(id: string, p: Principal): Promise<Organ> {
    const organ = await this.donations.organ(id);
    if (!organ) throw new NotFoundError('OrganNotFound', `no organ ${id}`);
    if (!hasRole(p, 'organ-bank', 'auditor') && !(await this.runs.centreRankedFor(id, p.subject)))
      throw new ForbiddenError('NotOfferedToYou', 'a centre reads only organs its candidates were ranked for');
    await this.audit.record(p, 'organ', [id]);
    return organ;
  }
}
