import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  ApiErrors,
  CurrentPrincipal,
  eventContextOf,
  InvalidRequestError,
  Roles,
  UnprocessableError,
  type Principal,
  NoIdempotencyKey,
} from '@uhr/platform';
import { CallerResolver } from '../master-data/caller.js';
import { MasterDataRepository } from '../master-data/master-data.repository.js';
import { ChangePackStateUseCase } from '../packs/use-cases/change-pack-state.use-case.js';
import { normaliseGtin, parseScan } from '../scan/index.js';
import { vrsDataOf } from './domain/verdict.js';
import { identityOrThrow, readIdentity } from './use-cases/read-identity.js';
import { VerifyUseCase } from './use-cases/verify.use-case.js';
import { verifyBodyOf } from './verify-body.js';
import { BulkVerifyDto, DecommissionDto, UndoDto, VerifyDto } from './verify.dto.js';

const PARTIES = ['manufacturer', 'distributor', 'pharmacist'] as const;

/** AI 17 as the scan parser reads it (century rule, DD=00 = the month's last day); a malformed one is a 422. */
function expiryOf(gtin: string, yymmdd: string | undefined, now: Date): string | undefined {
  if (yymmdd === undefined) return undefined;
  const r = parseScan(`(01)${gtin}(17)${yymmdd}`, { now });
  if (r.ok) return r.identity.expiry;
  throw new UnprocessableError('ScanParseError', `AI (17): ${r.error.message}`, { ai: '17', rule: r.error.rule });
}

@ApiTags('verify')
@ApiBearerAuth()
@Controller()
export class VerifyController {
  constructor(
    private readonly verify: VerifyUseCase,
    private readonly change: ChangePackStateUseCase,
    private readonly callers: CallerResolver,
    private readonly masterData: MasterDataRepository,
  ) {}

  /** One scan: a verdict with an EMVS-style code. A malformed scan is a 422 naming the AI and rule instead. */
  @Post('verify')
  @NoIdempotencyKey("a check answered fresh each time: a pack's state changes")
  @HttpCode(200)
  @Roles(...PARTIES)
  @ApiOperation({
    summary: 'Verify one pack from its scan or its identity (manufacturers, distributors, pharmacists)',
    description:
      'The verdict’s code is EMVS-style (ACTIVE, UNKNOWN_SERIAL, RECALLED, ALREADY_DECOMMISSIONED…). 422 ' +
      'ScanParseError names the AI and rule of a malformed scan; 400 OneOfScanOrIdentity; 403 NotYourSite for ' +
      'another party’s `location`.',
  })
  @ApiResponse({ status: 200, description: 'the verdict: code, the pack’s state and its `outcomeEntry`' })
  @ApiErrors(400, 401, 403, 422, 503)
  @ApiBody({ type: VerifyDto })
  async one(@CurrentPrincipal() p: Principal, @Body() body: Record<string, unknown>) {
    // A plain type: the ValidationPipe passes it over and verifyBodyOf checks it (the hot path's cheaper check).
    const dto = verifyBodyOf(body);
    const party = await this.callers.partyOf(p);
    return this.verify.one(party, identityOrThrow(dto, new Date()), dto.location);
  }

  /** Up to 1,000 scans (a shipment): one verdict each, in order; a malformed one answers its parse error in place. */
  @Post('verify/bulk')
  @NoIdempotencyKey("a check answered fresh each time: a pack's state changes")
  @HttpCode(200)
  @Roles(...PARTIES)
  @ApiOperation({
    summary:
      'Verify up to 1,000 packs (a shipment): one verdict each, in order (manufacturers, distributors, pharmacists)',
    description: 'A malformed scan answers its parse error in its place rather than refusing the batch.',
  })
  @ApiResponse({ status: 200, description: '{ results }: a verdict or a `parseError` per item, in order' })
  @ApiErrors(400, 401, 403, 503)
  async bulk(@CurrentPrincipal() p: Principal, @Body() dto: BulkVerifyDto) {
    const party = await this.callers.partyOf(p);
    const now = new Date();
    const reads = dto.items.map((i) => readIdentity(i, now));
    const good = reads.flatMap((r) => (r.ok ? [r.pack] : []));
    const verdicts = await this.verify.many(party, good, dto.location, now);
    let next = 0;
    return { results: reads.map((r) => (r.ok ? verdicts[next++]! : { parseError: r.error })) };
  }

  @Post('packs/decommission')
  @HttpCode(200)
  @Roles(...PARTIES)
  @ApiOperation({
    summary: 'Decommission a pack at one of your sites: supplied, destroyed, stolen, sample… (parties)',
    description:
      '409 PackStateRefused names the pack’s state when it is not active (a second decommission also raises a ' +
      'clone-suspicion alert); 404 UnknownProduct or UnknownPack; 403 NotYourSite; 422 ScanParseError.',
  })
  @ApiResponse({ status: 200, description: 'the pack’s new state and the `outcomeEntry` anchoring it' })
  @ApiErrors(400, 401, 403, 404, 409, 422, 503)
  async decommission(@CurrentPrincipal() p: Principal, @Body() dto: DecommissionDto) {
    const party = await this.callers.partyOf(p);
    const ctx = eventContextOf(p);
    const scan = identityOrThrow(dto, ctx.occurredAt);
    return this.change.execute(
      party,
      { scan, location: dto.location, to: dto.to, patient: dto.patient, prescriber: dto.prescriber },
      ctx,
    );
  }

  /** Undo a decommission: within 10 days, at the same site, never for a stolen or destroyed pack. */
  @Post('packs/undo')
  @HttpCode(200)
  @Roles(...PARTIES)
  @ApiOperation({
    summary: 'Undo a decommission: within 10 days, at the same site, never for a stolen or destroyed pack (parties)',
    description: '409 PackStateRefused otherwise; 404 UnknownProduct or UnknownPack; 403 NotYourSite.',
  })
  @ApiResponse({ status: 200, description: 'the pack active again, and the `outcomeEntry` anchoring it' })
  @ApiErrors(400, 401, 403, 404, 409, 422, 503)
  async undo(@CurrentPrincipal() p: Principal, @Body() dto: UndoDto) {
    const party = await this.callers.partyOf(p);
    const ctx = eventContextOf(p);
    return this.change.execute(party, { scan: identityOrThrow(dto, ctx.occurredAt), location: dto.location }, ctx);
  }

  /**
   * GS1 Lightweight Verification Messaging (DSCSA VRS): GET /01/{gtin}/10/{lot}/21/{serial}?17=YYMMDD&
   * linkType=gs1:verificationService. Trading partners only (an authenticated manufacturer, distributor or pharmacist).
   */
  @Get('01/:gtin/10/:lot/21/:serial')
  @Roles(...PARTIES)
  @ApiOperation({
    summary: 'GS1 Lightweight Verification Messaging (DSCSA VRS) responder for trading partners',
    description:
      '`linkType=gs1:verificationService` (400 UnsupportedLinkType otherwise), `17=YYMMDD` expiry (422 ' +
      'ScanParseError when malformed), optional `corrUUID` echoed back. 400 InvalidGtin.',
  })
  @ApiResponse({
    status: 200,
    description: '{ verificationTimestamp, responderGLN, corrUUID, data: { verified, verificationFailureReason? } }',
  })
  @ApiErrors(400, 401, 403, 422, 503)
  async vrs(
    @CurrentPrincipal() p: Principal,
    @Param('gtin') gtin: string,
    @Param('lot') lot: string,
    @Param('serial') serial: string,
    @Query() q: Record<string, string>,
  ) {
    if (q.linkType !== 'gs1:verificationService')
      throw new InvalidRequestError('UnsupportedLinkType', 'linkType: only gs1:verificationService is served here');
    const g = normaliseGtin(gtin);
    if (!g) throw new InvalidRequestError('InvalidGtin', `01: ${gtin} is not a valid GTIN`);
    const party = await this.callers.partyOf(p);
    const now = new Date();
    const verdict = await this.verify.one(
      party,
      { gtin: g, serial, lot, expiry: expiryOf(g, q['17'], now) },
      undefined,
      now,
    );
    const maker = await this.masterData.manufacturerOfGtin(g);
    return {
      verificationTimestamp: now.toISOString(),
      responderGLN: maker?.gln ?? null,
      corrUUID: q.corrUUID ?? null,
      data: vrsDataOf(verdict),
    };
  }
}
