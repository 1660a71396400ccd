import { Injectable } from '@nestjs/common';
import type pg from 'pg';
import { DataSource, type EntityManager } from 'typeorm';
import type { Quantity } from '../epcis/domain/epcis-event.js';
import type { PackState, PackStatus } from './domain/pack.js';

/** A pack's row: its EMVS state and where it is in the chain (site, custodian, case/pallet, destination). */
export interface PackRecord extends PackState {
  location: string | null;
  custodian: string | null;
  parent: string | null;
  lastSeenAt: Date | null;
  lastSeenGln: string | null;
  destination: string | null;
  commissionedAt: Date;
}

export interface ContainerRecord {
  sscc: string;
  parent: string | null;
  location: string | null;
  custodian: string | null;
  /** Class-level amounts packed into it (childQuantityList), besides the serialised packs. */
  quantities: Quantity[];
}

interface PackRow {
  gtin: string;
  serial: string;
  lot: string;
  expiry: string;
  state: PackStatus;
  state_since: Date;
  state_location: string | null;
  state_party: string | null;
  location_gln: string | null;
  custodian: string | null;
  parent: string | null;
  last_seen_at: Date | null;
  last_seen_gln: string | null;
  destination: string | null;
  commissioned_at: Date;
}

const PACK_COLUMNS = `gtin, serial, lot, to_char(expiry, 'YYYY-MM-DD') as expiry, state, state_since, state_location,
  state_party, location_gln, custodian, parent, last_seen_at, last_seen_gln, destination, commissioned_at`;

/** Packs by (GTIN, serial), in the order asked, each with whether its GTIN has the scanned lot (for a miss). */
const LOOKUP_SQL = `select p.serial is not null as found, p.gtin, p.serial, p.lot, to_char(p.expiry, 'YYYY-MM-DD') as expiry,
    p.state, p.state_since, p.state_location, p.state_party, p.location_gln, p.custodian, p.parent, p.last_seen_at,
    p.last_seen_gln, p.destination, p.commissioned_at,
    (p.serial is null and k.lot is not null
      and exists (select 1 from packs x where x.gtin = k.gtin and x.lot = k.lot)) as lot_known
  from unnest($1::text[], $2::text[], $3::text[]) with ordinality as k(gtin, serial, lot, i)
  left join packs p on p.gtin = k.gtin and p.serial = k.serial
  order by k.i`;

interface PendingLookup {
  gtin: string;
  serial: string;
  lot: string | null;
  resolve: (r: { pack?: PackRecord; lotKnown: boolean }) => void;
  reject: (err: unknown) => void;
}

export const packKey = (gtin: string, serial: string) => `${gtin}|${serial}`;

const toRecord = (r: PackRow): PackRecord => ({
  gtin: r.gtin,
  serial: r.serial,
  lot: r.lot,
  expiry: r.expiry,
  status: r.state,
  since: new Date(r.state_since),
  statusLocation: r.state_location,
  statusParty: r.state_party,
  location: r.location_gln,
  custodian: r.custodian,
  parent: r.parent,
  lastSeenAt: r.last_seen_at ? new Date(r.last_seen_at) : null,
  lastSeenGln: r.last_seen_gln,
  destination: r.destination,
  commissionedAt: new Date(r.commissioned_at),
});

/** The only door to packs and containers. */
@Injectable()
export class PackRepository {
  constructor(private readonly ds: DataSource) {}

  /**
   * The verify path's one lookup: the pack, and whether its GTIN has the scanned lot at all. Lookups that arrive
   * in the same turn of the event loop share one statement (a prepared one, straight on the pool), so under load
   * a round trip serves many scans instead of one.
   */
  lookup(gtin: string, serial: string, lot: string | null): Promise<{ pack?: PackRecord; lotKnown: boolean }> {
    return new Promise((resolve, reject) => {
      this.pending.push({ gtin, serial, lot, resolve, reject });
      if (this.pending.length >= PackRepository.maxLookupBatch) this.flushLookups();
      else if (this.pending.length === 1) setImmediate(() => this.flushLookups());
    });
  }

  static maxLookupBatch = 500;
  private pending: PendingLookup[] = [];

  private flushLookups(): void {
    const batch = this.pending;
    if (batch.length === 0) return;
    this.pending = [];
    const pool = (this.ds.driver as unknown as { master: pg.Pool }).master;
    pool
      .query<PackRow & { lot_known: boolean; found: boolean }>({
        name: 'drug-trace-verify-lookup',
        text: LOOKUP_SQL,
        values: [batch.map((l) => l.gtin), batch.map((l) => l.serial), batch.map((l) => l.lot)],
      })
      .then(({ rows }) =>
        batch.forEach((l, i) => {
          const r = rows[i]!;
          l.resolve({ pack: r.found ? toRecord(r) : undefined, lotKnown: r.lot_known });
        }),
      )
      .catch((err: unknown) => batch.forEach((l) => l.reject(err)));
  }

  /** Many packs at once (bulk verify): one statement. */
  async lookupMany(keys: ReadonlyArray<{ gtin: string; serial: string }>): Promise<Map<string, PackRecord>> {
    const rows = (await this.ds.query(
      `select ${PACK_COLUMNS} from packs where (gtin, serial) in (select * from unnest($1::text[], $2::text[]))`,
      [keys.map((k) => k.gtin), keys.map((k) => k.serial)],
    )) as PackRow[];
    return new Map(rows.map((r) => [packKey(r.gtin, r.serial), toRecord(r)]));
  }

  /** Which of these (GTIN, lot) pairs some pack carries, as "gtin|lot". */
  async knownLots(pairs: ReadonlyArray<{ gtin: string; lot: string }>): Promise<Set<string>> {
    if (pairs.length === 0) return new Set();
    const rows = (await this.ds.query(
      `select distinct k.gtin, k.lot from unnest($1::text[], $2::text[]) as k(gtin, lot)
        where exists (select 1 from packs p where p.gtin = k.gtin and p.lot = k.lot)`,
      [pairs.map((p) => p.gtin), pairs.map((p) => p.lot)],
    )) as Array<{ gtin: string; lot: string }>;
    return new Set(rows.map((r) => `${r.gtin}|${r.lot}`));
  }

  /**
   * Packs named directly, and every pack and container inside the named containers (any depth), locked for
   * this transaction so two captures touching one pack apply in turn.
   */
  async loadForUpdate(manager: EntityManager, packs: ReadonlyArray<{ gtin: string; serial: string }>, ssccs: string[]) {
    // Serials that do not exist yet have no row to lock: a transaction-scoped advisory lock per serial (taken in
    // one order, so two captures cannot deadlock) makes a concurrent commissioning of the same serial wait too.
    await manager.query(
      `select count(pg_advisory_xact_lock(hashtext(k))) from (select distinct k from unnest($1::text[]) k order by k) s`,
      [packs.map((p) => packKey(p.gtin, p.serial))],
    );
    const containers = (await manager.query(
      `with recursive tree as (
         select sscc, parent, location_gln, custodian, quantities from containers where sscc = any($1::text[])
         union select c.sscc, c.parent, c.location_gln, c.custodian, c.quantities
           from containers c join tree t on c.parent = t.sscc)
       select * from tree`,
      [ssccs],
    )) as Array<{
      sscc: string;
      parent: string | null;
      location_gln: string | null;
      custodian: string | null;
      quantities: Quantity[];
    }>;
    const all = [...new Set([...ssccs, ...containers.map((c) => c.sscc)])];
    const rows = (await manager.query(
      `select ${PACK_COLUMNS} from packs
        where (gtin, serial) in (select * from unnest($1::text[], $2::text[])) or parent = any($3::text[])
        order by gtin, serial for update`,
      [packs.map((k) => k.gtin), packs.map((k) => k.serial), all],
    )) as PackRow[];
    // The cases/pallets the packs are in, too: a pack seen alone is compared with where its parent is.
    const parents = [...new Set(rows.map((r) => r.parent).filter((p): p is string => p !== null))];
    const outer = (await manager.query(
      'select sscc, parent, location_gln, custodian, quantities from containers where sscc = any($1::text[])',
      [parents.filter((p) => !all.includes(p))],
    )) as typeof containers;
    return {
      packs: new Map(rows.map((r) => [packKey(r.gtin, r.serial), toRecord(r)])),
      containers: new Map<string, ContainerRecord>(
        [...containers, ...outer].map((c) => [
          c.sscc,
          {
            sscc: c.sscc,
            parent: c.parent,
            location: c.location_gln,
            custodian: c.custodian,
            quantities: c.quantities,
          },
        ]),
      ),
    };
  }

  async savePacks(manager: EntityManager, packs: readonly PackRecord[]): Promise<void> {
    if (packs.length === 0) return;
    const col = <T>(f: (p: PackRecord) => T) => packs.map(f);
    await manager.query(
      `insert into packs (gtin, serial, lot, expiry, state, state_since, state_location, state_party, location_gln,
                          custodian, parent, last_seen_at, last_seen_gln, destination, commissioned_at)
       select * from unnest($1::text[], $2::text[], $3::text[], $4::date[], $5::text[], $6::timestamptz[], $7::text[],
                            $8::uuid[], $9::text[], $10::uuid[], $11::text[], $12::timestamptz[], $13::text[],
                            $14::uuid[], $15::timestamptz[])
       on conflict (gtin, serial) do update set state = excluded.state, state_since = excluded.state_since,
         state_location = excluded.state_location, state_party = excluded.state_party,
         location_gln = excluded.location_gln, custodian = excluded.custodian, parent = excluded.parent,
         last_seen_at = excluded.last_seen_at, last_seen_gln = excluded.last_seen_gln,
         destination = excluded.destination`,
      [
        col((p) => p.gtin),
        col((p) => p.serial),
        col((p) => p.lot),
        col((p) => p.expiry),
        col((p) => p.status),
        col((p) => p.since.toISOString()),
        col((p) => p.statusLocation),
        col((p) => p.statusParty),
        col((p) => p.location),
        col((p) => p.custodian),
        col((p) => p.parent),
        col((p) => p.lastSeenAt?.toISOString() ?? null),
        col((p) => p.lastSeenGln),
        col((p) => p.destination),
        col((p) => p.commissionedAt.toISOString()),
      ],
    );
  }

  async saveContainers(manager: EntityManager, containers: readonly ContainerRecord[]): Promise<void> {
    if (containers.length === 0) return;
    await manager.query(
      `insert into containers (sscc, parent, location_gln, custodian, quantities)
       select * from unnest($1::text[], $2::text[], $3::text[], $4::uuid[], $5::jsonb[])
       on conflict (sscc) do update set parent = excluded.parent, location_gln = excluded.location_gln,
         custodian = excluded.custodian, quantities = excluded.quantities, updated_at = now()`,
      [
        containers.map((c) => c.sscc),
        containers.map((c) => c.parent),
        containers.map((c) => c.location),
        containers.map((c) => c.custodian),
        containers.map((c) => JSON.stringify(c.quantities)),
      ],
    );
  }

  /** One pack, locked (decommission and undo). */
  async forUpdate(manager: EntityManager, gtin: string, serial: string): Promise<PackRecord | undefined> {
    const [row] = (await manager.query(`select ${PACK_COLUMNS} from packs where gtin = $1 and serial = $2 for update`, [
      gtin,
      serial,
    ])) as PackRow[];
    return row ? toRecord(row) : undefined;
  }
}
