import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { EpcisEvent, Quantity } from './domain/epcis-event.js';
import type { Shipment } from './domain/reconciliation.js';

export interface CaptureJob {
  id: string;
  partyId: string;
  status: 'succeeded' | 'failed';
  eventCount: number;
  newCount: number;
  createdAt: Date;
}

/** The standard's common query parameters, already canonical (CBV words, Digital Links). */
export interface EventQuery {
  eventTypes?: string[];
  bizSteps?: string[];
  dispositions?: string[];
  bizLocations?: string[];
  readPoints?: string[];
  epcs?: string[];
  /** Also events that named a case or pallet the EPC was inside (its custody history). */
  contained?: boolean;
  from?: Date;
  until?: Date;
  /** Only events this party took part in; undefined for an overseer. */
  partyId?: string;
  afterSeq: number;
  limit: number;
}

export interface StoredEvent {
  seq: number;
  hash: string;
  recordTime: Date;
  body: Record<string, unknown>;
  errorDeclaration: Record<string, unknown> | null;
  anchorEntry: string | null;
}

interface EventRow {
  seq: string;
  hash: string;
  record_time: Date;
  body: Record<string, unknown>;
  declaration: Record<string, unknown> | null;
  anchor_entry: string | null;
}

const toStored = (r: EventRow): StoredEvent => ({
  seq: Number(r.seq),
  hash: r.hash,
  recordTime: new Date(r.record_time),
  body: r.body,
  errorDeclaration: r.declaration,
  anchorEntry: r.anchor_entry,
});

const SELECT_EVENT = `select e.seq, e.hash, e.record_time, e.body, e.anchor_entry,
  (select d.declaration from error_declarations d where d.event_hash = e.hash order by d.id desc limit 1) as declaration
  from epcis_events e`;

/** What the REST binding's top-level resources browse, and the column each is. */
export type BrowseDimension = 'bizStep' | 'bizLocation' | 'readPoint' | 'disposition' | 'epc';
const BROWSE_COLUMNS: Record<BrowseDimension, string> = {
  bizStep: 'e.biz_step',
  bizLocation: 'e.biz_location',
  readPoint: 'e.read_point',
  disposition: 'e.disposition',
  epc: 'x.epc',
};

/** The only door to captured events, their indexes (EPCs, parties), error declarations and capture jobs. */
@Injectable()
export class EpcisRepository {
  constructor(private readonly ds: DataSource) {}

  async addJob(m: EntityManager, job: CaptureJob): Promise<void> {
    await m.query(
      'insert into capture_jobs (id, party_id, status, event_count, new_count, created_at) values ($1, $2, $3, $4, $5, $6)',
      [job.id, job.partyId, job.status, job.eventCount, job.newCount, job.createdAt],
    );
  }

  async job(id: string): Promise<CaptureJob | undefined> {
    const [r] = (await this.ds.query('select * from capture_jobs where id = $1', [id])) as Array<{
      id: string;
      party_id: string;
      status: CaptureJob['status'];
      event_count: number;
      new_count: number;
      created_at: Date;
    }>;
    if (!r) return undefined;
    return {
      id: r.id,
      partyId: r.party_id,
      status: r.status,
      eventCount: r.event_count,
      newCount: r.new_count,
      createdAt: new Date(r.created_at),
    };
  }

  /** Which of these hashes are stored already (locks nothing: a concurrent insert is settled by the unique key). */
  async existing(m: EntityManager, hashes: readonly string[]): Promise<Set<string>> {
    const rows = (await m.query('select hash from epcis_events where hash = any($1::text[])', [hashes])) as Array<{
      hash: string;
    }>;
    return new Set(rows.map((r) => r.hash));
  }

  /**
   * New events with their EPC and party indexes, in one statement. A hash stored meanwhile by a concurrent
   * capture is skipped (on conflict do nothing), and its indexes with it.
   */
  async insertEvents(
    m: EntityManager,
    captureId: string,
    events: ReadonlyArray<{
      e: EpcisEvent;
      parties: readonly string[];
      anchorEntry: string;
      contained: readonly string[];
      /** Amounts held by the cases/pallets it named, by SSCC. */
      containedQuantities: ReadonlyMap<string, readonly Quantity[]>;
    }>,
  ): Promise<number> {
    if (events.length === 0) return 0;
    const col = <T>(f: (x: (typeof events)[number]) => T) => events.map(f);
    const direct = (x: (typeof events)[number]) => new Set(x.e.epcs);
    const epcPairs = events.flatMap((x) => [
      ...x.e.epcs.map((epc) => [x.e.hash, epc, true] as const),
      ...x.contained.filter((epc) => !direct(x).has(epc)).map((epc) => [x.e.hash, epc, false] as const),
    ]);
    const partyPairs = events.flatMap((x) => x.parties.map((p) => [x.e.hash, p] as const));
    const amounts = events.flatMap((x) => [
      ...x.e.quantities.map((q) => ({ hash: x.e.hash, q, container: null })),
      ...[...x.containedQuantities].flatMap(([container, qs]) => qs.map((q) => ({ hash: x.e.hash, q, container }))),
    ]);
    const [row] = (await m.query(
      `with ev as (
         insert into epcis_events (hash, type, event_time, biz_step, disposition, action, read_point, biz_location,
                                   body, capture_id, anchor_entry)
         select h, t, et, bs, d, a, rp, bl, b, $11::uuid, ae
           from unnest($1::text[], $2::text[], $3::timestamptz[], $4::text[], $5::text[], $6::text[], $7::text[],
                       $8::text[], $9::jsonb[], $10::text[]) as x(h, t, et, bs, d, a, rp, bl, b, ae)
         on conflict (hash) do nothing
         returning seq, hash),
       ep as (insert into event_epcs (event_seq, epc, direct)
              select distinct ev.seq, x.epc, x.direct from ev
                join unnest($12::text[], $13::text[], $16::boolean[]) as x(hash, epc, direct) on x.hash = ev.hash),
       pa as (insert into event_parties (event_seq, party_id)
              select distinct ev.seq, x.p from ev join unnest($14::text[], $15::uuid[]) as x(hash, p) on x.hash = ev.hash),
       qu as (insert into event_quantities (event_seq, epc_class, uom, quantity, container)
              select ev.seq, x.c, x.u, x.q, x.k from ev
                join unnest($17::text[], $18::text[], $19::text[], $20::numeric[], $21::text[]) as x(hash, c, u, q, k)
                  on x.hash = ev.hash)
       select count(*)::int as n from ev`,
      [
        col((x) => x.e.hash),
        col((x) => x.e.type),
        col((x) => x.e.eventTime.toISOString()),
        col((x) => x.e.bizStep),
        col((x) => x.e.disposition),
        col((x) => x.e.action),
        col((x) => x.e.readPoint),
        col((x) => x.e.bizLocation),
        col((x) => JSON.stringify(x.e.body)),
        col((x) => x.anchorEntry),
        captureId,
        epcPairs.map((p) => p[0]),
        epcPairs.map((p) => p[1]),
        partyPairs.map((p) => p[0]),
        partyPairs.map((p) => p[1]),
        epcPairs.map((p) => p[2]),
        amounts.map((a) => a.hash),
        amounts.map((a) => a.q.epcClass),
        amounts.map((a) => a.q.uom),
        amounts.map((a) => a.q.quantity),
        amounts.map((a) => a.container),
      ],
    )) as Array<{ n: number }>;
    return row!.n;
  }

  /** Error declarations are appended (never replacing the event); the same declaration twice is stored once. */
  async declare(m: EntityManager, captureId: string, decls: ReadonlyArray<{ hash: string; declaration: unknown }>) {
    if (decls.length === 0) return;
    await m.query(
      `insert into error_declarations (event_hash, declaration, capture_id)
       select h, d, $3::uuid from unnest($1::text[], $2::jsonb[]) as x(h, d)
       on conflict (event_hash, declaration) do nothing`,
      [decls.map((d) => d.hash), decls.map((d) => JSON.stringify(d.declaration)), captureId],
    );
  }

  async query(q: EventQuery): Promise<StoredEvent[]> {
    const where: string[] = ['e.seq > $1'];
    const params: unknown[] = [q.afterSeq];
    const add = (sql: (p: string) => string, value: unknown) => {
      params.push(value);
      where.push(sql(`$${params.length}`));
    };
    if (q.eventTypes) add((p) => `e.type = any(${p}::text[])`, q.eventTypes);
    if (q.bizSteps) add((p) => `e.biz_step = any(${p}::text[])`, q.bizSteps);
    if (q.dispositions) add((p) => `e.disposition = any(${p}::text[])`, q.dispositions);
    if (q.bizLocations) add((p) => `e.biz_location = any(${p}::text[])`, q.bizLocations);
    if (q.readPoints) add((p) => `e.read_point = any(${p}::text[])`, q.readPoints);
    if (q.from) add((p) => `e.event_time >= ${p}`, q.from);
    if (q.until) add((p) => `e.event_time < ${p}`, q.until);
    const direct = q.contained ? '' : 'and x.direct';
    if (q.epcs)
      add(
        (p) => `exists (select 1 from event_epcs x where x.event_seq = e.seq and x.epc = any(${p}::text[]) ${direct})`,
        q.epcs,
      );
    if (q.partyId)
      add(
        (p) => `exists (select 1 from event_parties x where x.event_seq = e.seq and x.party_id = ${p}::uuid)`,
        q.partyId,
      );
    params.push(q.limit);
    const rows = (await this.ds.query(
      `${SELECT_EVENT} where ${where.join(' and ')} order by e.seq limit $${params.length}`,
      params,
    )) as EventRow[];
    return rows.map(toStored);
  }

  /**
   * What the shipping and receiving events under one business transaction name: EPCs (named, or inside what was
   * named) and class-level amounts (listed, plus what each case/pallet held — once per container and step, as
   * its latest event under the transaction saw it).
   */
  async transactionShipments(
    bizTransaction: string,
    partyId?: string,
  ): Promise<{ shipped: Shipment; received: Shipment } | undefined> {
    const party = partyId
      ? 'and exists (select 1 from event_parties p where p.event_seq = e.seq and p.party_id = $2::uuid)'
      : '';
    const params = partyId ? [JSON.stringify([{ bizTransaction }]), partyId] : [JSON.stringify([{ bizTransaction }])];
    const events = `select e.seq, e.biz_step from epcis_events e
        where e.biz_step in ('shipping', 'receiving') and e.body->'bizTransactionList' @> $1::jsonb ${party}`;
    const epcRows = (await this.ds.query(
      `with t as (${events}) select t.biz_step, x.epc from t join event_epcs x on x.event_seq = t.seq`,
      params,
    )) as Array<{ biz_step: string; epc: string }>;
    const amountRows = (await this.ds.query(
      `with t as (${events}),
            q as (select t.biz_step, q.*, row_number() over (
                    partition by t.biz_step, q.container, q.epc_class, q.uom order by t.seq desc) as latest
                    from t join event_quantities q on q.event_seq = t.seq)
       select biz_step, epc_class, uom, quantity::float8 as quantity from q where container is null or latest = 1`,
      params,
    )) as Array<{ biz_step: string; epc_class: string; uom: string | null; quantity: number | null }>;
    if (epcRows.length === 0 && amountRows.length === 0) return undefined;
    const out = {
      shipped: { epcs: new Set<string>(), quantities: [] as Quantity[] },
      received: { epcs: new Set<string>(), quantities: [] as Quantity[] },
    };
    const side = (step: string) => (step === 'shipping' ? out.shipped : out.received);
    for (const r of epcRows) side(r.biz_step).epcs.add(r.epc);
    for (const r of amountRows)
      side(r.biz_step).quantities.push({ epcClass: r.epc_class, uom: r.uom, quantity: r.quantity });
    return out;
  }

  /**
   * Distinct values of one indexed dimension (business steps, locations, read points, dispositions, EPCs named)
   * over the events a party took part in (every event for an overseer), in order, after `after`, at most `limit`.
   */
  async distinct(dimension: BrowseDimension, partyId: string | undefined, after: string, limit: number) {
    const source =
      dimension === 'epc'
        ? `event_epcs x join epcis_events e on e.seq = x.event_seq where x.direct`
        : `epcis_events e where true`;
    const column = BROWSE_COLUMNS[dimension];
    const params: unknown[] = [after, limit];
    const party = partyId
      ? (params.push(partyId),
        'and exists (select 1 from event_parties p where p.event_seq = e.seq and p.party_id = $3::uuid)')
      : '';
    const rows = (await this.ds.query(
      `select distinct ${column} as v from ${source} and ${column} is not null and ${column} > $1 ${party}
        order by 1 limit $2`,
      params,
    )) as Array<{ v: string }>;
    return rows.map((r) => r.v);
  }

  /** Whether an event the party took part in (any, for an overseer) names this value of the dimension. */
  async names(dimension: BrowseDimension, partyId: string | undefined, value: string): Promise<boolean> {
    const source =
      dimension === 'epc'
        ? `event_epcs x join epcis_events e on e.seq = x.event_seq where x.direct`
        : `epcis_events e where true`;
    const party = partyId
      ? 'and exists (select 1 from event_parties p where p.event_seq = e.seq and p.party_id = $2::uuid)'
      : '';
    const [row] = (await this.ds.query(
      `select exists (select 1 from ${source} and ${BROWSE_COLUMNS[dimension]} = $1 ${party}) as found`,
      partyId ? [value, partyId] : [value],
    )) as Array<{ found: boolean }>;
    return row!.found;
  }

  async byHash(hash: string, partyId?: string): Promise<StoredEvent | undefined> {
    const party = partyId
      ? 'and exists (select 1 from event_parties x where x.event_seq = e.seq and x.party_id = $2::uuid)'
      : '';
    const [row] = (await this.ds.query(
      `${SELECT_EVENT} where e.hash = $1 ${party}`,
      partyId ? [hash, partyId] : [hash],
    )) as EventRow[];
    return row ? toStored(row) : undefined;
  }
}
