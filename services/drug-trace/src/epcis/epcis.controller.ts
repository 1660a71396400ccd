import {
  Body,
  Controller,
  Get,
  Header,
  HttpCode,
  Inject,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  ApiErrors,
  ConflictError,
  CurrentPrincipal,
  eventContextOf,
  NotFoundError,
  Roles,
  StreamAnchorer,
  type Principal,
} from '@uhr/platform';
import { EVENTS_ANCHORER } from '../anchoring/anchorers.js';
import { CallerResolver } from '../master-data/caller.js';
import { reconcile } from './domain/reconciliation.js';
import { EventQueryDto, ReconciliationQueryDto } from './epcis.dto.js';
import { EpcisRepository, type CaptureJob, type StoredEvent } from './epcis.repository.js';
import { EventPages, eventView, partyFilter, pathOf, type Reply } from './event-pages.js';
import { CaptureUseCase } from './use-cases/capture/capture.use-case.js';

const PARTIES = ['manufacturer', 'distributor', 'pharmacist'] as const;

function jobView(j: CaptureJob) {
  return {
    captureID: j.id,
    createdAt: j.createdAt.toISOString(),
    finishedAt: j.createdAt.toISOString(),
    running: false,
    success: j.status === 'succeeded',
    captureErrorBehaviour: 'rollback',
    errors: [],
    eventCount: j.eventCount,
    newEvents: j.newCount,
  };
}

/** EPCIS 2.0 REST binding (GS1 openapi.json): capture, capture jobs, events and per-EPC history. */
@ApiTags('epcis')
@ApiBearerAuth()
@Controller()
export class EpcisController {
  constructor(
    private readonly capture: CaptureUseCase,
    private readonly repo: EpcisRepository,
    private readonly callers: CallerResolver,
    private readonly pages: EventPages,
    @Inject(EVENTS_ANCHORER) private readonly anchorer: StreamAnchorer,
  ) {}

  /** 202 with the capture job in Location; the document is stored whole or not at all (captureErrorBehaviour rollback). */
  @Post('capture')
  @HttpCode(202)
  @Roles(...PARTIES)
  @Header('GS1-EPCIS-Version', '2.0.0')
  @ApiOperation({
    summary: 'Capture an EPCISDocument: every event stored, or none (manufacturers, distributors, pharmacists)',
    description:
      'EPCIS 2.0 REST binding. 400 SchemaViolation or NotAnEpcisDocument; 403 NotYourSite for an event at ' +
      'another party’s location (or NotAParty / RoleMismatch for the login); 413 for a body over the limit; ' +
      '422 CaptureRefused (a rule of the pack lifecycle) or TooManyEvents.',
  })
  @ApiBody({ description: 'an EPCISDocument (JSON-LD)', schema: { type: 'object' } })
  @ApiResponse({ status: 202, description: 'captured: the capture job, its URL in `Location` (/capture/{captureID})' })
  @ApiErrors(400, 401, 403, 413, 422, 503)
  async captureDocument(
    @CurrentPrincipal() p: Principal,
    @Body() doc: unknown,
    @Res({ passthrough: true }) res: Reply,
  ) {
    const party = await this.callers.partyOf(p);
    const job = await this.capture.execute(party, doc, eventContextOf(p));
    res.header('Location', `/capture/${job.id}`);
    return jobView(job);
  }

  @Get('capture/:captureId')
  @Roles(...PARTIES, 'auditor', 'admin')
  @ApiOperation({
    summary: 'One capture job (its capturer; auditors and administrators)',
    description: '404 UnknownCaptureJob for another party’s, as for a missing one.',
  })
  @ApiResponse({ status: 200, description: 'the capture job: `running`, `success`, `captureErrorBehaviour`, counts' })
  @ApiErrors(400, 401, 403, 404, 503)
  async captureJob(@CurrentPrincipal() p: Principal, @Param('captureId', ParseUUIDPipe) id: string) {
    const caller = await this.callers.of(p);
    const job = await this.repo.job(id);
    if (!job || (caller.kind === 'party' && job.partyId !== caller.party.id))
      throw new NotFoundError('UnknownCaptureJob', `no capture job ${id} of yours`);
    return jobView(job);
  }

  @Get('events')
  @Roles(...PARTIES, 'auditor', 'admin')
  @ApiOperation({
    summary: 'Query events: those you took part in (parties), every event (auditors, administrators)',
    description:
      'EPCIS 2.0 query parameters (EQ_bizStep, EQ_disposition, EQ_bizLocation, EQ_readPoint, MATCH_epc, ' +
      'eventType, GE_eventTime, LT_eventTime; values `a|b`), `perPage` up to 1,000, `nextPageToken` from ' +
      '`Link: rel="next"`.',
  })
  @ApiResponse({ status: 200, description: 'an EPCISQueryDocument; the next page in `Link: rel="next"`' })
  @ApiErrors(400, 401, 403, 503)
  async events(
    @CurrentPrincipal() p: Principal,
    @Query() q: EventQueryDto,
    @Req() req: { url: string },
    @Res({ passthrough: true }) res: Reply,
  ) {
    return this.pages.page(await this.callers.of(p), q, pathOf(req.url), res);
  }

  /** The history of one EPC (pack, case, pallet), oldest first. */
  @Get('epcs/:epc/events')
  @Roles(...PARTIES, 'auditor', 'admin')
  @ApiOperation({
    summary: 'One EPC’s history, oldest first, with what happened to the case or pallet it was in',
    description: 'The events you took part in (parties), every event (auditors, administrators); paged like /events.',
  })
  @ApiResponse({ status: 200, description: 'an EPCISQueryDocument; the next page in `Link: rel="next"`' })
  @ApiErrors(400, 401, 403, 503)
  async epcHistory(
    @CurrentPrincipal() p: Principal,
    @Param('epc') epc: string,
    @Query() q: EventQueryDto,
    @Req() req: { url: string },
    @Res({ passthrough: true }) res: Reply,
  ) {
    return this.pages.page(await this.callers.of(p), { ...q, MATCH_epc: epc }, pathOf(req.url), res, {
      inPath: 'MATCH_epc',
      contained: true,
    });
  }

  /** Shipment ↔ receipt under one business transaction (despatch advice, PO): missing and unexpected EPCs. */
  @Get('shipments/reconciliation')
  @Roles(...PARTIES, 'auditor', 'admin')
  @ApiOperation({
    summary: 'Shipped against received under one business transaction (despatch advice, purchase order)',
    description: '404 UnknownTransaction when no shipment or receipt of yours is under it.',
  })
  @ApiResponse({
    status: 200,
    description: 'EPCs `missing` and `unexpected`, `quantities` per class and unit, and whether it is `complete`',
  })
  @ApiErrors(400, 401, 403, 404, 503)
  async reconciliation(@CurrentPrincipal() p: Principal, @Query() q: ReconciliationQueryDto) {
    const found = await this.repo.transactionShipments(q.bizTransaction, partyFilter(await this.callers.of(p)));
    if (!found)
      throw new NotFoundError(
        'UnknownTransaction',
        `bizTransaction: no shipment or receipt of yours under ${q.bizTransaction}`,
      );
    return { bizTransaction: q.bizTransaction, ...reconcile(found.shipped, found.received) };
  }

  @Get('events/:eventId')
  @Roles(...PARTIES, 'auditor', 'admin')
  @ApiOperation({
    summary: 'One event, by its eventID (the CBV hash), with its latest error declaration',
    description: '404 UnknownEvent for an event you did not take part in, as for a missing one.',
  })
  @ApiResponse({ status: 200, description: 'the EPCIS event' })
  @ApiErrors(401, 403, 404, 503)
  async event(@CurrentPrincipal() p: Principal, @Param('eventId') id: string) {
    return eventView(await this.visibleEvent(p, id));
  }

  /** The event's inclusion proof in its anchored Merkle batch (Anchors.verify accepts it once confirmed). */
  @Get('events/:eventId/proof')
  @Roles(...PARTIES, 'auditor', 'admin')
  @ApiOperation({
    summary: 'An event’s Merkle inclusion proof in its anchored batch',
    description: '`verifiedOnChain` is what Anchors.verify answered. 409 NotAnchored for an event without an entry.',
  })
  @ApiResponse({
    status: 200,
    description:
      'the eventID and its entry: `waiting` for a batch, or its batch, root, leaf, proof and `verifiedOnChain`',
  })
  @ApiErrors(401, 403, 404, 409, 503)
  async proof(@CurrentPrincipal() p: Principal, @Param('eventId') id: string) {
    const e = await this.visibleEvent(p, id);
    const proof = e.anchorEntry ? await this.anchorer.proofOf(e.anchorEntry) : undefined;
    if (!proof) throw new ConflictError('NotAnchored', 'this event has no anchor entry');
    return { eventID: e.hash, ...proof };
  }

  private async visibleEvent(p: Principal, id: string): Promise<StoredEvent> {
    const hash = /^[0-9a-f]{64}$/.test(id) ? `ni:///sha-256;${id}?ver=CBV2.0` : id;
    const e = await this.repo.byHash(hash, partyFilter(await this.callers.of(p)));
    if (!e) throw new NotFoundError('UnknownEvent', 'no such event that you took part in');
    return e;
  }
}
