import { Injectable } from '@nestjs/common';
import type { Caller } from '../master-data/caller.js';
import { cbvWord } from './domain/cbv.js';
import { canonicalGs1Uri } from './domain/gs1-uri.js';
import type { EventQueryDto } from './epcis.dto.js';
import { EpcisRepository, type EventQuery, type StoredEvent } from './epcis.repository.js';

export const EPCIS_CONTEXT = 'https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld';
const list = (s: string | undefined, f: (v: string) => string = (v) => v) => (s ? s.split('|').map(f) : undefined);
/** The party whose events a caller may see; undefined for an overseer (auditor, admin). */
export const partyFilter = (c: Caller) => (c.kind === 'party' ? c.party.id : undefined);

/** A request URL's path, without its query string (a next page's link repeats the query itself). */
export const pathOf = (url: string) => url.split('?')[0]!;

export interface Reply {
  header(name: string, value: string): unknown;
}

/** An event as the REST binding returns it: the captured JSON with its identity, record time and any correction. */
export function eventView(e: StoredEvent) {
  return {
    ...e.body,
    eventID: e.hash,
    recordTime: e.recordTime.toISOString(),
    ...(e.errorDeclaration ? { errorDeclaration: e.errorDeclaration } : {}),
  };
}

/** A page of events as an EPCISQueryDocument, with the `Link: rel="next"` of the REST binding. */
@Injectable()
export class EventPages {
  constructor(private readonly repo: EpcisRepository) {}

  async page(
    caller: Caller,
    q: EventQueryDto,
    path: string,
    res: Reply,
    opts: { inPath?: keyof EventQueryDto; contained?: boolean } = {},
  ) {
    const contained = opts.contained ?? false;
    const limit = q.perPage ?? 30;
    const query: EventQuery = {
      eventTypes: list(q.eventType),
      bizSteps: list(q.EQ_bizStep, (v) => cbvWord('BizStep', v)),
      dispositions: list(q.EQ_disposition, (v) => cbvWord('Disp', v)),
      bizLocations: list(q.EQ_bizLocation, canonicalGs1Uri),
      readPoints: list(q.EQ_readPoint, canonicalGs1Uri),
      epcs: list(q.MATCH_epc, canonicalGs1Uri),
      contained,
      from: q.GE_eventTime ? new Date(q.GE_eventTime) : undefined,
      until: q.LT_eventTime ? new Date(q.LT_eventTime) : undefined,
      partyId: partyFilter(caller),
      afterSeq: q.nextPageToken ? Number(q.nextPageToken) : 0,
      limit: limit + 1,
    };
    const rows = await this.repo.query(query);
    const page = rows.slice(0, limit);
    if (rows.length > limit) {
      const given = Object.entries(q)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]): [string, string] => [k, String(v)]);
      const params = new URLSearchParams(given);
      params.set('perPage', String(limit));
      params.set('nextPageToken', String(page.at(-1)!.seq));
      if (opts.inPath) params.delete(opts.inPath); // it is in the path
      res.header('Link', `<${path}?${params.toString()}>; rel="next"`);
    }
    return {
      '@context': [EPCIS_CONTEXT],
      type: 'EPCISQueryDocument',
      schemaVersion: '2.0',
      creationDate: new Date().toISOString(),
      epcisBody: { queryResults: { queryName: 'SimpleEventQuery', resultsBody: { eventList: page.map(eventView) } } },
    };
  }
}
