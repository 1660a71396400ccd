import { Body, Controller, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import {
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

  @Post('donors')
  @Roles('organ-bank')
  register(@Body() dto: RegisterDonorDto, @CurrentPrincipal() p: Principal) {
    const consent = { mediaType: dto.consent.mediaType, document: Buffer.from(dto.consent.contentBase64, 'base64') };
    const identity = { ...dto.identity };
    return this.registerDonor.execute({ kind: dto.kind, identity, consent }, commandContext(p, this.clock));
  }

  /** The donor as the registry shows it: opaque id, kind, anchored consent hash — no identity. */
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
  @Get('donors/:id/identity')
  @Roles('organ-bank')
  async identity(@Param('id') id: string, @CurrentPrincipal() p: Principal) {
    const d = await this.donations.donor(id);
    if (!d) throw new NotFoundError('DonorNotFound', `no donor ${id}`);
    await this.audit.record(p, 'donor', [id], 'read-identity');
    const blob = await this.blobs.get(d.identityBlob.key, d.identityBlob.sha256);
    return { donorId: id, identity: JSON.parse(blob.plaintext.toString('utf8')) as unknown };
  }

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

  @Get('organs/:id')
  @Roles('organ-bank', 'auditor', 'provider')
  async organ(@Param('id') id: string, @CurrentPrincipal() p: Principal) {
    return this.readableOrgan(id, p);
  }

  @Get('organs/:id/fhir')
  @Roles('organ-bank', 'auditor', 'provider')
  async organFhir(@Param('id') id: string, @CurrentPrincipal() p: Principal) {
    return fhirOrgan(await this.readableOrgan(id, p));
  }

  /** The organ reached the transplant centre (never before its cross-clamp). */
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
