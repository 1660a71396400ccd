import { Controller, Get, Header, Param, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors, CurrentPrincipal, NotFoundError, Roles, type Principal } from '@uhr/platform';
import { CallerResolver } from '../master-data/caller.js';
import { cbvWord } from './domain/cbv.js';
import { canonicalGs1Uri } from './domain/gs1-uri.js';
import { BrowseQueryDto, EventQueryDto } from './epcis.dto.js';
import { EpcisRepository, type BrowseDimension } from './epcis.repository.js';
import { EPCIS_CONTEXT, EventPages, partyFilter, pathOf, type Reply } from './event-pages.js';

const READERS = ['manufacturer', 'distributor', 'pharmacist', 'auditor', 'admin'] as const;
const EVENT_TYPES = ['AggregationEvent', 'AssociationEvent', 'ObjectEvent', 'TransactionEvent', 'TransformationEvent'];

/** A browsable dimension: its resource name, its column, its query parameter and its canonical form. */
const DIMENSIONS: Record<
  string,
  { dimension: BrowseDimension; param: keyof EventQueryDto; canon: (v: string) => string }
> = {
  bizSteps: { dimension: 'bizStep', param: 'EQ_bizStep', canon: (v) => cbvWord('BizStep', v) },
  dispositions: { dimension: 'disposition', param: 'EQ_disposition', canon: (v) => cbvWord('Disp', v) },
  bizLocations: { dimension: 'bizLocation', param: 'EQ_bizLocation', canon: canonicalGs1Uri },
  readPoints: { dimension: 'readPoint', param: 'EQ_readPoint', canon: canonicalGs1Uri },
  epcs: { dimension: 'epc', param: 'MATCH_epc', canon: canonicalGs1Uri },
};

/** The top-level resource a path is under (`/bizSteps/shipping/events` → bizSteps). */
const resourceOf = (path: string) => path.split('/')[1]!;
const collection = (member: string[]) => ({ '@context': [EPCIS_CONTEXT], type: 'Collection', member });
const token = (v: string) => Buffer.from(v, 'utf8').toString('base64url');
const untoken = (t: string | undefined) => (t ? Buffer.from(t, 'base64url').toString('utf8') : '');

/**
 * The EPCIS 2.0 REST binding's top-level resources: event types, EPCs, business steps, business locations, read
 * points and dispositions — each a list, a resource (`{"member": ["events"]}`) and its events. Lists hold only
 * values from events the caller took part in (overseers see all), so one party never learns another's sites or
 * stock from them.
 */
@ApiTags('epcis')
@ApiBearerAuth()
@Controller()
export class BrowseController {
  constructor(
    private readonly repo: EpcisRepository,
    private readonly callers: CallerResolver,
    private readonly pages: EventPages,
  ) {}

  @Get('eventTypes')
  @Roles(...READERS)
  @Header('GS1-EPCIS-Version', '2.0.0')
  @ApiOperation({ summary: 'The five EPCIS event types (supply-chain parties, auditors, administrators)' })
  @ApiResponse({ status: 200, description: 'a Collection of the event type names' })
  @ApiErrors(401, 403)
  eventTypes() {
    return collection(EVENT_TYPES);
  }

  @Get('eventTypes/:eventType')
  @Roles(...READERS)
  @ApiOperation({ summary: 'One event type as a resource: its `events`', description: '404 UnknownEventType.' })
  @ApiResponse({ status: 200, description: 'a Collection: ["events"]' })
  @ApiErrors(401, 403, 404)
  eventType(@Param('eventType') type: string) {
    if (!EVENT_TYPES.includes(type)) throw new NotFoundError('UnknownEventType', `no event type ${type}`);
    return collection(['events']);
  }

  @Get('eventTypes/:eventType/events')
  @Roles(...READERS)
  @ApiOperation({
    summary: 'Events of one type (those you took part in; every one for auditors and administrators)',
    description: 'Paged and filtered like /events. 404 UnknownEventType.',
  })
  @ApiResponse({ status: 200, description: 'an EPCISQueryDocument; the next page in `Link: rel="next"`' })
  @ApiErrors(400, 401, 403, 404, 503)
  async eventTypeEvents(
    @CurrentPrincipal() p: Principal,
    @Param('eventType') type: string,
    @Query() q: EventQueryDto,
    @Req() req: { url: string },
    @Res({ passthrough: true }) res: Reply,
  ) {
    this.eventType(type);
    return this.pages.page(await this.callers.of(p), { ...q, eventType: type }, pathOf(req.url), res, {
      inPath: 'eventType',
    });
  }

  /** GET /bizSteps, /dispositions, /bizLocations, /readPoints, /epcs: what the caller's events name, paged. */
  @Get(['bizSteps', 'dispositions', 'bizLocations', 'readPoints', 'epcs'])
  @Roles(...READERS)
  @Header('GS1-EPCIS-Version', '2.0.0')
  @ApiOperation({
    summary: 'The business steps, dispositions, locations, read points or EPCs your events name',
    description:
      'Only values from events you took part in (every event for auditors and administrators); `perPage`, ' +
      'default 30, and `nextPageToken` from `Link: rel="next"`.',
  })
  @ApiResponse({ status: 200, description: 'a Collection of values; the next page in `Link: rel="next"`' })
  @ApiErrors(400, 401, 403, 503)
  async list(
    @CurrentPrincipal() p: Principal,
    @Query() q: BrowseQueryDto,
    @Req() req: { url: string },
    @Res({ passthrough: true }) res: Reply,
  ) {
    const d = DIMENSIONS[resourceOf(pathOf(req.url))]!;
    const limit = q.perPage ?? 30;
    const caller = await this.callers.of(p);
    const values = await this.repo.distinct(d.dimension, partyFilter(caller), untoken(q.nextPageToken), limit + 1);
    const page = values.slice(0, limit);
    if (values.length > limit)
      res.header('Link', `<${pathOf(req.url)}?perPage=${limit}&nextPageToken=${token(page.at(-1)!)}>; rel="next"`);
    return collection(page);
  }

  @Get(['bizSteps/:value', 'dispositions/:value', 'bizLocations/:value', 'readPoints/:value', 'epcs/:value'])
  @Roles(...READERS)
  @ApiOperation({
    summary: 'One business step, disposition, location, read point or EPC as a resource: its `events`',
    description: '404 UnknownResource for a value no event of yours names.',
  })
  @ApiResponse({ status: 200, description: 'a Collection: ["events"]' })
  @ApiErrors(401, 403, 404, 503)
  async resource(@CurrentPrincipal() p: Principal, @Param('value') value: string, @Req() req: { url: string }) {
    await this.known(p, resourceOf(pathOf(req.url)), value);
    return collection(['events']);
  }

  @Get([
    'bizSteps/:value/events',
    'dispositions/:value/events',
    'bizLocations/:value/events',
    'readPoints/:value/events',
  ])
  @Roles(...READERS)
  @ApiOperation({
    summary: 'Events at one business step, disposition, location or read point (those you took part in)',
    description: 'Paged and filtered like /events. 404 UnknownResource for a value no event of yours names.',
  })
  @ApiResponse({ status: 200, description: 'an EPCISQueryDocument; the next page in `Link: rel="next"`' })
  @ApiErrors(400, 401, 403, 404, 503)
  async events(
    @CurrentPrincipal() p: Principal,
    @Param('value') value: string,
    @Query() q: EventQueryDto,
    @Req() req: { url: string },
    @Res({ passthrough: true }) res: Reply,
  ) {
    const resource = resourceOf(pathOf(req.url));
    const d = DIMENSIONS[resource]!;
    await this.known(p, resource, value);
    return this.pages.page(await this.callers.of(p), { ...q, [d.param]: value }, pathOf(req.url), res, {
      inPath: d.param,
    });
  }

  /** A value is a resource only if one of the caller's events names it (404 otherwise, also for others' values). */
  private async known(p: Principal, resource: string, value: string) {
    const d = DIMENSIONS[resource]!;
    const caller = await this.callers.of(p);
    if (!(await this.repo.names(d.dimension, partyFilter(caller), d.canon(value))))
      throw new NotFoundError('UnknownResource', `no ${resource} ${value} in events of yours`);
  }
}
