import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  ApiErrors,
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

  @ApiOperation({
    summary: 'Publish a price schedule version from JSON entries, all or nothing (regulators)',
    description:
      'Immutable once published, its hash anchored. 422 ScheduleRejected with every problem, or ' +
      'SupersedesTooEarly; 409 ScheduleOverlap (another version in force for a code in the period) or ' +
      'ScheduleImmutable; 404 ScheduleNotFound and 403 NotTheRegulator for `supersedes`.',
  })
  @ApiResponse({ status: 201, description: 'a new version: { version, created: true }' })
  @ApiResponse({ status: 200, description: 'the same publication again: the version it stored, created false' })
  @ApiErrors(400, 401, 403, 404, 409, 422, 503)
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

  @ApiOperation({
    summary: 'Publish a price schedule version from an official CSV or XLSX list (base64), all or nothing (regulators)',
    description:
      '400 ImportTooLarge; 422 ScheduleRejected with `{ row, field, reason }` per problem; otherwise as POST ' +
      '/schedules (409 ScheduleOverlap, 404/403 for `supersedes`). Idempotent by content.',
  })
  @ApiResponse({ status: 201, description: 'a new version: { version, created: true }' })
  @ApiResponse({ status: 200, description: 'the same list again: the version it stored, created false' })
  @ApiErrors(400, 401, 403, 404, 409, 422, 503)
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

  @ApiOperation({
    summary: 'Published schedule versions (any role)',
    description: '`limit` 1–200, default 50.',
  })
  @ApiResponse({ status: 200, description: 'the versions' })
  @ApiErrors(401, 403, 503)
  @Get()
  @Roles('regulator', 'provider', 'patient', 'insurer', 'auditor')
  list(@Query('limit') limit = '50') {
    return this.schedules.list(Math.min(200, Math.max(1, Number.parseInt(limit, 10) || 50)));
  }

  @ApiOperation({
    summary: 'One schedule version, with its anchor proof (any role)',
    description: '404 ScheduleNotFound.',
  })
  @ApiResponse({ status: 200, description: 'the version and its `anchor`' })
  @ApiErrors(400, 401, 403, 404, 503)
  @Get(':id')
  @Roles('regulator', 'provider', 'patient', 'insurer', 'auditor')
  async one(@Param('id', ParseUUIDPipe) id: string) {
    const v = await this.schedules.byId(id);
    if (!v) throw new NotFoundError('ScheduleNotFound', `no schedule version ${id}`);
    return { ...v, anchor: await this.proofs.versionAnchor(v) };
  }

  /** The whole version as a FHIR searchset Bundle of ChargeItemDefinitions, a page at a time (code order). */
  @ApiOperation({
    summary: 'A schedule version as a FHIR searchset Bundle of ChargeItemDefinitions, a page at a time (any role)',
    description: '`offset` from 0, `count` 1–1,000 (default 100), in code order. 404 ScheduleNotFound.',
  })
  @ApiResponse({ status: 200, description: 'a FHIR Bundle (searchset), `total` the version’s entry count' })
  @ApiErrors(400, 401, 403, 404, 503)
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

  @ApiOperation({
    summary: 'One schedule entry as a FHIR ChargeItemDefinition (any role)',
    description: '404 EntryNotFound.',
  })
  @ApiResponse({ status: 200, description: 'a FHIR ChargeItemDefinition' })
  @ApiErrors(400, 401, 403, 404, 503)
  @Get(':id/entries/:code')
  @Roles('regulator', 'provider', 'patient', 'insurer', 'auditor')
  async entry(@Param('id', ParseUUIDPipe) id: string, @Param('code') code: string) {
    const { version, entry } = await this.proofs.entryOf(id, code);
    return chargeItemDefinitionOf(version, entry);
  }

  @ApiOperation({
    summary: 'An entry’s proof: leaf → entries root → version hash → anchored batch (any role)',
    description: '`verified` is true when every step checks and the Anchors contract accepts it. 404 EntryNotFound.',
  })
  @ApiResponse({
    status: 200,
    description: '{ versionId, instrument, entry, leaf, leafIndex, proof, entriesRoot, versionHash, anchor, verified }',
  })
  @ApiErrors(400, 401, 403, 404, 503)
  @Get(':id/entries/:code/proof')
  @Roles('regulator', 'provider', 'patient', 'insurer', 'auditor')
  @HttpCode(200)
  proof(@Param('id', ParseUUIDPipe) id: string, @Param('code') code: string) {
    return this.proofs.entryProof(id, code);
  }
}
