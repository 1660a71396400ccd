import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import {
  CurrentPrincipal,
  InvalidRequestError,
  NotFoundError,
  PLATFORM_CONFIG,
  Roles,
  type Principal,
} from '@uhr/platform';
import { Inject } from '@nestjs/common';
import { eventContextOf as ctxOf } from '@uhr/platform';
import type { BillingConfig } from '../config.js';
import type { RawRow, ScheduleHeader } from './domain/schedule-draft.js';
import { chargeItemDefinitionOf } from './domain/fhir.js';
import { readOfficialList } from './import/official-list.js';
import { ScheduleProofs } from './schedule-proofs.js';
import { ImportScheduleDto, PublishScheduleDto, type ScheduleHeaderDto } from './schedule.dto.js';
import { ScheduleRepository } from './schedule.repository.js';
import { PublishScheduleUseCase } from './use-cases/publish-schedule/publish-schedule.use-case.js';

/** The one thing used of the HTTP response: 201 for a new version, 200 when the same one existed. */
interface StatusSetter {
  status(code: number): unknown;
}

const headerOf = (d: ScheduleHeaderDto): ScheduleHeader => ({
  instrument: d.instrument,
  timeZone: d.timeZone,
  currency: d.currency,
  period: { from: d.effectiveFrom, to: d.effectiveTo },
  recoveryInterestRate: d.recoveryInterestRate,
  supersedes: d.supersedes,
});

/** JSON entries as the rows an official list would have (row n = entries[n - 1]). */
const rowsOf = (d: PublishScheduleDto): RawRow[] =>
  d.entries.map((e, i) => ({
    row: i + 1,
    cells: {
      code: e.code,
      description: e.description ?? '',
      unit: e.unit,
      ceiling_per_unit: e.ceilingPerUnit,
      tax_inclusive: String(e.taxInclusive),
      tax_rate: e.taxRate,
      regime: e.regime,
      device_details_required: String(e.deviceDetailsRequired),
      gtin: e.gtin ?? '',
      units_per_pack: e.unitsPerPack ?? '',
    },
  }));

/** Price schedules: published by a regulator, readable by every authenticated party (they are public law). */
@ApiTags('schedules')
@ApiBearerAuth()
@Controller('schedules')
export class SchedulesController {
  constructor(
    private readonly publish: PublishScheduleUseCase,
    private readonly schedules: ScheduleRepository,
    private readonly proofs: ScheduleProofs,
    @Inject(PLATFORM_CONFIG) private readonly config: BillingConfig,
  ) {}

  @Post()
  @Roles('regulator')
  async publishJson(
    @CurrentPrincipal() p: Principal,
    @Body() dto: PublishScheduleDto,
    @Res({ passthrough: true }) res: StatusSetter,
  ) {
    const out = await this.publish.execute(
      { regulator: p.subject, header: headerOf(dto), rows: rowsOf(dto) },
      ctxOf(p),
    );
    res.status(out.created ? 201 : 200);
    return out;
  }

  @Post('import')
  @Roles('regulator')
  async importFile(
    @CurrentPrincipal() p: Principal,
    @Body() dto: ImportScheduleDto,
    @Res({ passthrough: true }) res: StatusSetter,
  ) {
    const file = Buffer.from(dto.content, 'base64');
    if (file.length > this.config.importMaxBytes) {
      throw new InvalidRequestError(
        'ImportTooLarge',
        `the file has ${file.length} bytes, at most ${this.config.importMaxBytes}`,
      );
    }
    const read = await readOfficialList(dto.format, file);
    const cmd = {
      regulator: p.subject,
      header: headerOf(dto),
      ...('problems' in read ? { rows: [], fileProblems: read.problems } : read),
    };
    const out = await this.publish.execute(cmd, ctxOf(p));
    res.status(out.created ? 201 : 200);
    return out;
  }

  @Get()
  @Roles('regulator', 'provider', 'patient', 'insurer', 'auditor')
  list(@Query('limit') limit = '50') {
    return this.schedules.list(Math.min(200, Math.max(1, Number.parseInt(limit, 10) || 50)));
  }

  @Get(':id')
  @Roles('regulator', 'provider', 'patient', 'insurer', 'auditor')
  async one(@Param('id', ParseUUIDPipe) id: string) {
    const v = await this.schedules.byId(id);
    if (!v) throw new NotFoundError('ScheduleNotFound', `no schedule version ${id}`);
    return { ...v, anchor: await this.proofs.versionAnchor(v) };
  }

  /** The whole version as a FHIR searchset Bundle of ChargeItemDefinitions, a page at a time (code order). */
  @Get(':id/fhir')
  @Roles('regulator', 'provider', 'patient', 'insurer', 'auditor')
  async bundle(@Param('id', ParseUUIDPipe) id: string, @Query('offset') offset = '0', @Query('count') count = '100') {
    const v = await this.schedules.byId(id);
    if (!v) throw new NotFoundError('ScheduleNotFound', `no schedule version ${id}`);
    const from = Math.max(0, Number.parseInt(offset, 10) || 0);
    const n = Math.min(1000, Math.max(1, Number.parseInt(count, 10) || 100));
    const entries = await this.schedules.entriesPage(id, from, n);
    return {
      resourceType: 'Bundle',
      type: 'searchset',
      total: v.entryCount,
      entry: entries.map((e) => ({ resource: chargeItemDefinitionOf(v, e) })),
    };
  }

  @Get(':id/entries/:code')
  @Roles('regulator', 'provider', 'patient', 'insurer', 'auditor')
  async entry(@Param('id', ParseUUIDPipe) id: string, @Param('code') code: string) {
    const { version, entry } = await this.proofs.entryOf(id, code);
    return chargeItemDefinitionOf(version, entry);
  }

  @Get(':id/entries/:code/proof')
  @Roles('regulator', 'provider', 'patient', 'insurer', 'auditor')
  @HttpCode(200)
  proof(@Param('id', ParseUUIDPipe) id: string, @Param('code') code: string) {
    return this.proofs.entryProof(id, code);
  }
}
