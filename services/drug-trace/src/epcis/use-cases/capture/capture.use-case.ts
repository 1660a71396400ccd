import { Inject, Injectable } from '@nestjs/common';
import {
  DomainError,
  ForbiddenError,
  InvalidRequestError,
  StreamAnchorer,
  UnprocessableError,
  type EventContext,
} from '@uhr/platform';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { EVENTS_ANCHORER } from '../../../anchoring/anchorers.js';
import { AlertRepository } from '../../../anomalies/alert.repository.js';
import type { Location, Party } from '../../../master-data/domain/master-data.js';
import { MasterDataRepository } from '../../../master-data/master-data.repository.js';
import { PackRepository } from '../../../packs/pack.repository.js';
import { namespacesOf } from '../../domain/event-hash.js';
import { keyOf, siteOf, toEpcisEvent, type EpcisEvent, type Quantity } from '../../domain/epcis-event.js';
import { EpcisRepository, type CaptureJob } from '../../epcis.repository.js';
import { EpcisSchemaValidator } from '../../schema-validator.js';
import { CaptureApplier, type CaptureProblem } from './capture-applier.js';

export class DocumentTooLargeError extends DomainError {
  readonly status = 422;
}

export interface CaptureOptions {
  maxEvents: number;
  maxTravelKmh: number;
}
export const CAPTURE_OPTIONS = Symbol('CAPTURE_OPTIONS');

const refuse = (problems: CaptureProblem[]): never => {
  throw new UnprocessableError('CaptureRefused', problems.map((p) => `${p.field}: ${p.message}`).join('; '), {
    problems: problems.slice(0, 20),
  });
};

/**
 * POST /capture: a whole EPCIS document in one transaction — all its events stored (each once, by its CBV
 * hash), applied to packs, indexed for queries and queued for anchoring, or none of them.
 */
@Injectable()
export class CaptureUseCase {
  constructor(
    private readonly ds: DataSource,
    private readonly epcis: EpcisRepository,
    private readonly packs: PackRepository,
    private readonly masterData: MasterDataRepository,
    private readonly alerts: AlertRepository,
    private readonly schema: EpcisSchemaValidator,
    @Inject(EVENTS_ANCHORER) private readonly anchorer: StreamAnchorer,
    @Inject(CAPTURE_OPTIONS) private readonly opts: CaptureOptions,
  ) {}

  async execute(party: Party, doc: unknown, ctx: EventContext): Promise<CaptureJob> {
    const events = this.read(doc);
    const locations = await this.checkMasterData(party, events);
    return this.ds.transaction(async (m) => {
      const job: CaptureJob = {
        id: randomUUID(),
        partyId: party.id,
        status: 'succeeded',
        eventCount: events.length,
        newCount: 0,
        createdAt: ctx.occurredAt,
      };
      await this.epcis.addJob(m, job);
      // Lock the packs first, then ask what is stored: a concurrent capture of the same document has committed
      // by then, so its events are not applied twice (which would look like a second decommission: a clone).
      const loaded = await this.lockPacks(m, events);
      const stored = await this.epcis.existing(
        m,
        events.map((e) => e.hash),
      );
      const fresh = dedupe(events.filter((e) => !stored.has(e.hash)));
      await this.epcis.declare(
        m,
        job.id,
        events.filter((e) => e.errorDeclaration).map((e) => ({ hash: e.hash, declaration: e.errorDeclaration })),
      );
      job.newCount = await this.store(m, job.id, party, fresh, loaded, locations, ctx);
      await m.query('update capture_jobs set new_count = $2 where id = $1', [job.id, job.newCount]);
      return job;
    });
  }

  /** Schema first (400 naming the pointer and keyword), then the stated size limit. */
  private read(doc: unknown): EpcisEvent[] {
    const problems = this.schema.problems(doc);
    if (problems.length > 0)
      throw new InvalidRequestError('SchemaViolation', problems.map((p) => p.message).join('; '), { problems });
    const d = doc as { type: string; '@context'?: unknown; epcisBody?: { eventList?: Array<Record<string, unknown>> } };
    if (d.type !== 'EPCISDocument')
      throw new InvalidRequestError('NotAnEpcisDocument', 'type: capture takes an EPCISDocument');
    const list = d.epcisBody?.eventList ?? [];
    if (list.length > this.opts.maxEvents)
      throw new DocumentTooLargeError(
        'TooManyEvents',
        `epcisBody.eventList: at most ${this.opts.maxEvents} events a document`,
      );
    const ns = namespacesOf(d['@context']);
    return list.map((raw, i) => toEpcisEvent(raw, i, ns));
  }

  /**
   * Every site must be a registered location, every pack's GTIN a registered product, and the capturing party
   * must hold the site where each event happened (a party writes only its own custody) — else nothing is stored.
   */
  private async checkMasterData(party: Party, events: readonly EpcisEvent[]): Promise<Map<string, Location>> {
    const problems: CaptureProblem[] = [];
    const locations = new Map<string, Location>();
    for (const e of events) {
      const at = `/epcisBody/eventList/${e.index}`;
      for (const gln of glnsOf(e)) {
        const l = locations.get(gln) ?? (await this.masterData.location(gln));
        if (l) locations.set(gln, l);
        else problems.push({ field: at, rule: 'unknown-gln', message: `GLN ${gln} is not a registered location` });
      }
      const site = siteOf(e);
      if (!site)
        problems.push({
          field: `${at}/bizLocation`,
          rule: 'site-required',
          message: 'an SGLN read point or business location is required',
        });
      else if (locations.get(site) && locations.get(site)!.partyId !== party.id)
        throw new ForbiddenError('NotYourSite', `${at}: location ${site} belongs to another party`);
      for (const epc of e.epcs) {
        const k = keyOf(epc);
        if (k?.kind === 'sgtin' && !(await this.masterData.product(k.gtin)))
          problems.push({ field: at, rule: 'unknown-gtin', message: `GTIN ${k.gtin} is not a registered product` });
      }
      if (problems.length >= 20) break;
    }
    if (problems.length > 0) refuse(problems);
    return locations;
  }

  /** Every pack and container the document names (and what is inside those), locked for this transaction. */
  private lockPacks(m: EntityManager, events: readonly EpcisEvent[]) {
    const epcs = events.flatMap((e) => e.epcs);
    const sgtins = epcs.map(keyOf).filter((k) => k?.kind === 'sgtin') as Array<{ gtin: string; serial: string }>;
    const ssccs = [...new Set(epcs.filter((epc) => keyOf(epc)?.kind === 'sscc'))];
    return this.packs.loadForUpdate(m, sgtins, ssccs);
  }

  private async store(
    m: EntityManager,
    captureId: string,
    party: Party,
    fresh: EpcisEvent[],
    loaded: Awaited<ReturnType<PackRepository['loadForUpdate']>>,
    locations: Map<string, Location>,
    ctx: EventContext,
  ) {
    if (fresh.length === 0) return 0;
    for (const p of loaded.packs.values())
      if (p.lastSeenGln && !locations.has(p.lastSeenGln)) {
        const l = await this.masterData.location(p.lastSeenGln, m);
        if (l) locations.set(l.gln, l);
      }
    const applier = new CaptureApplier({
      ...loaded,
      locations,
      partiesByGln: await this.partiesByGln(fresh),
      maxTravelKmh: this.opts.maxTravelKmh,
    });
    applier.apply(fresh);
    if (applier.problems.length > 0) refuse(applier.problems);
    await this.packs.savePacks(
      m,
      [...applier.changedPacks].map((k) => loaded.packs.get(k)!),
    );
    await this.packs.saveContainers(
      m,
      [...applier.changedContainers].map((k) => loaded.containers.get(k)!),
    );
    const entries = await this.anchorer.append(
      m,
      fresh.map((e) => e.digest),
    );
    const rows = fresh.map((e, i) => ({
      e,
      parties: participants(e, party, locations),
      anchorEntry: entries[i]!,
      contained: [...(applier.contained.get(e.hash) ?? [])],
      containedQuantities: applier.containedQuantities.get(e.hash) ?? new Map<string, Quantity[]>(),
    }));
    const n = await this.epcis.insertEvents(m, captureId, rows);
    await this.alerts.record(m, applier.alerts, ctx);
    return n;
  }

  private async partiesByGln(events: readonly EpcisEvent[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (const e of events)
      for (const d of [...e.destinations, ...e.sources]) {
        const k = keyOf(d.id);
        if (k?.kind !== 'pgln' || out.has(k.gln)) continue;
        const p = await this.masterData.partyByGln(k.gln);
        if (p) out.set(k.gln, p.id);
      }
    return out;
  }
}

/** Site GLNs an event names (read point, business location, source and destination locations). */
function glnsOf(e: EpcisEvent): string[] {
  const ids = [e.readPoint, e.bizLocation, ...e.sources.map((s) => s.id), ...e.destinations.map((d) => d.id)];
  const glns = ids.map((id) => (id ? keyOf(id) : undefined)).filter((k) => k?.kind === 'sgln') as Array<{
    gln: string;
  }>;
  return [...new Set(glns.map((k) => k.gln))];
}

/** Who took part in an event and may see it: the capturer and the parties of every site it names. */
function participants(e: EpcisEvent, capturer: Party, locations: Map<string, Location>): string[] {
  return [
    ...new Set([
      capturer.id,
      ...glnsOf(e)
        .map((g) => locations.get(g)?.partyId)
        .filter((p): p is string => !!p),
    ]),
  ];
}

/** The same event twice in one document is stored once. */
function dedupe(events: EpcisEvent[]): EpcisEvent[] {
  const seen = new Set<string>();
  return events.filter((e) => !seen.has(e.hash) && seen.add(e.hash));
}
