import { Injectable } from '@nestjs/common';
import { ConflictError, topicOf, type EventContext, EventStore } from '@uhr/platform';
import { DataSource, type EntityManager } from 'typeorm';
import { decimal, plain } from '../pricing/domain/money.js';
import type { PackMapping, Regime, RegulatedUnit, ScheduleEntry, ScheduleVersion } from '../pricing/domain/schedule.js';
import type { ScheduleHeader } from './domain/schedule-draft.js';

export const SCHEDULE_TOPIC = topicOf('billing', 'schedule', 1);

export interface StoredVersion extends ScheduleHeader {
  id: string;
  regulator: string;
  entriesRoot: string;
  versionHash: string;
  entryCount: number;
  anchorEntryId: string;
  publishedAt: string;
}

interface VersionRow {
  id: string;
  regulator: string;
  instrument: string;
  time_zone: string;
  currency: string;
  from_date: string;
  to_date: string | null;
  recovery_interest_rate: string;
  supersedes: string | null;
  entries_root: string;
  version_hash: string;
  entry_count: number;
  anchor_entry_id: string;
  published_at: Date;
}

interface EntryRow {
  version_id: string;
  code: string;
  description: string;
  unit: string;
  ceiling_per_unit: string;
  tax_inclusive: boolean;
  tax_rate: string;
  regime: string;
  device_details_required: boolean;
}

const ENTRY_SELECT = `select version_id, code, description, unit, ceiling_per_unit::text, tax_inclusive, tax_rate::text,
  regime, device_details_required, leaf_index from schedule_entries`;

const VERSION_COLUMNS = `id, regulator, instrument, time_zone, currency, lower(effective)::text as from_date,
  upper(effective)::text as to_date, recovery_interest_rate::text, supersedes, entries_root, version_hash,
  entry_count, anchor_entry_id, published_at`;

const toVersion = (r: VersionRow): StoredVersion => ({
  id: r.id,
  regulator: r.regulator,
  instrument: r.instrument,
  timeZone: r.time_zone,
  currency: r.currency,
  period: { from: r.from_date, to: r.to_date ?? undefined },
  recoveryInterestRate: plain(decimal(r.recovery_interest_rate)),
  supersedes: r.supersedes ?? undefined,
  entriesRoot: r.entries_root,
  versionHash: r.version_hash,
  entryCount: r.entry_count,
  anchorEntryId: r.anchor_entry_id,
  publishedAt: new Date(r.published_at).toISOString(),
});

const toEntry = (r: EntryRow): ScheduleEntry => ({
  code: r.code,
  description: r.description,
  unit: r.unit as RegulatedUnit,
  ceilingPerUnit: decimal(plain(decimal(r.ceiling_per_unit))),
  taxInclusive: r.tax_inclusive,
  taxRate: decimal(plain(decimal(r.tax_rate))),
  regime: r.regime as Regime,
  deviceDetailsRequired: r.device_details_required,
});

export interface NewVersion {
  id: string;
  regulator: string;
  header: ScheduleHeader;
  entries: readonly ScheduleEntry[];
  packs: readonly PackMapping[];
  entriesRoot: string;
  versionHash: string;
  sourceHash: string;
  anchorEntryId: string;
}

/** The only door to the schedule tables. */
@Injectable()
export class ScheduleRepository {
  constructor(
    private readonly ds: DataSource,
    private readonly events: EventStore,
  ) {}

  transaction<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.ds.transaction(work);
  }

  async bySource(m: EntityManager = this.ds.manager, sourceHash: string): Promise<StoredVersion | undefined> {
    const rows: VersionRow[] = await m.query(
      `select ${VERSION_COLUMNS} from schedule_versions where source_hash = $1`,
      [sourceHash],
    );
    return rows[0] && toVersion(rows[0]);
  }

  async byId(id: string, m: EntityManager = this.ds.manager): Promise<StoredVersion | undefined> {
    const rows: VersionRow[] = await m.query(`select ${VERSION_COLUMNS} from schedule_versions where id = $1`, [id]);
    return rows[0] && toVersion(rows[0]);
  }

  async list(limit: number): Promise<StoredVersion[]> {
    const rows: VersionRow[] = await this.ds.query(
      `select ${VERSION_COLUMNS} from schedule_versions order by published_at desc limit $1`,
      [limit],
    );
    return rows.map(toVersion);
  }

  /** Pack barcodes already mapped to something else than what this publication says. */
  async conflictingPacks(m: EntityManager, packs: readonly PackMapping[]): Promise<Map<string, string>> {
    if (packs.length === 0) return new Map();
    const rows: Array<{ gtin: string; code: string; units: string }> = await m.query(
      `select p.gtin, p.code, p.units_per_pack::text as units from pack_mappings p
         join unnest($1::text[], $2::text[], $3::numeric[]) as n(gtin, code, units) on n.gtin = p.gtin
        where p.code <> n.code or p.units_per_pack <> n.units`,
      [packs.map((p) => p.gtin), packs.map((p) => p.code), packs.map((p) => plain(p.unitsPerPack))],
    );
    return new Map(rows.map((r) => [r.gtin, `${r.code} × ${plain(decimal(r.units))}`]));
  }

  /** Writes the version, its entries and packs, cuts short what it supersedes; one price per code per day. */
  async insert(m: EntityManager, v: NewVersion, ctx: EventContext): Promise<void> {
    const range = `[${v.header.period.from},${v.header.period.to ?? ''})`;
    await m.query(
      `insert into schedule_versions (id, regulator, instrument, time_zone, currency, effective,
         recovery_interest_rate, supersedes, entries_root, version_hash, entry_count, source_hash, anchor_entry_id)
       values ($1, $2, $3, $4, $5, $6::daterange, $7, $8, $9, $10, $11, $12, $13)`,
      [
        v.id,
        v.regulator,
        v.header.instrument,
        v.header.timeZone,
        v.header.currency,
        range,
        v.header.recoveryInterestRate,
        v.header.supersedes ?? null,
        v.entriesRoot,
        v.versionHash,
        v.entries.length,
        v.sourceHash,
        v.anchorEntryId,
      ],
    );
    if (v.header.supersedes) await this.narrow(m, v.header.supersedes, v.header.period.from);
    await this.insertEntries(m, v.id, v.entries, range);
    await m.query(
      `insert into pack_mappings (gtin, code, units_per_pack, version_id)
         select g, c, u, $4 from unnest($1::text[], $2::text[], $3::numeric[]) as n(g, c, u)
       on conflict (gtin) do nothing`,
      [v.packs.map((p) => p.gtin), v.packs.map((p) => p.code), v.packs.map((p) => plain(p.unitsPerPack)), v.id],
    );
    const event = {
      type: 'billing.ScheduleVersionPublished',
      version: 1,
      payload: {
        versionId: v.id,
        regulator: v.regulator,
        instrument: v.header.instrument,
        effectiveFrom: v.header.period.from,
        effectiveTo: v.header.period.to ?? null,
        entryCount: v.entries.length,
        versionHash: v.versionHash,
      },
    };
    await this.events.append(m, `schedule-${v.id}`, 0, [event], ctx, SCHEDULE_TOPIC);
  }

  private async narrow(m: EntityManager, superseded: string, from: string): Promise<void> {
    await m.query(
      `update schedule_entries set in_force = daterange(lower(in_force), $2::date)
        where version_id = $1 and in_force @> $2::date`,
      [superseded, from],
    );
  }

  private async insertEntries(m: EntityManager, versionId: string, entries: readonly ScheduleEntry[], range: string) {
    const col = <T>(f: (e: ScheduleEntry) => T) => entries.map(f);
    try {
      await m.query(
        `insert into schedule_entries (version_id, code, leaf_index, description, unit, ceiling_per_unit,
           tax_inclusive, tax_rate, regime, device_details_required, in_force)
         select $1, code, (i - 1)::int, d, u, c, ti, t, r, dev, $10::daterange
           from unnest($2::text[], $3::text[], $4::text[], $5::numeric[], $6::boolean[], $7::numeric[], $8::text[],
                       $9::boolean[]) with ordinality as n(code, d, u, c, ti, t, r, dev, i)`,
        [
          versionId,
          col((e) => e.code),
          col((e) => e.description),
          col((e) => e.unit),
          col((e) => plain(e.ceilingPerUnit)),
          col((e) => e.taxInclusive),
          col((e) => plain(e.taxRate)),
          col((e) => e.regime),
          col((e) => e.deviceDetailsRequired),
          range,
        ],
      );
    } catch (err) {
      throw overlapAsConflict(err);
    }
  }

  /**
   * Fresh planner statistics after a publication: a 100,000-row insert into a small table otherwise leaves
   * pricing on a sequential scan (30 ms a lookup instead of 4) until autovacuum gets round to it.
   */
  async refreshStatistics(): Promise<void> {
    await this.ds.query('analyze schedule_entries');
  }

  /** A page of one version's entries, in leaf (code) order. */
  async entriesPage(versionId: string, offset: number, limit: number): Promise<ScheduleEntry[]> {
    const rows: EntryRow[] = await this.ds.query(
      `${ENTRY_SELECT} where version_id = $1 and leaf_index >= $2 order by leaf_index limit $3`,
      [versionId, offset, limit],
    );
    return rows.map(toEntry);
  }

  /** The entries of one version, in leaf order. */
  async entriesOf(versionId: string): Promise<ScheduleEntry[]> {
    const rows: EntryRow[] = await this.ds.query(`${ENTRY_SELECT} where version_id = $1 order by leaf_index`, [
      versionId,
    ]);
    return rows.map(toEntry);
  }

  async entry(versionId: string, code: string): Promise<{ entry: ScheduleEntry; leafIndex: number } | undefined> {
    const rows: Array<EntryRow & { leaf_index: number }> = await this.ds.query(
      `${ENTRY_SELECT} where version_id = $1 and code = $2`,
      [versionId, code],
    );
    return rows[0] && { entry: toEntry(rows[0]), leafIndex: rows[0].leaf_index };
  }

  /**
   * What pricing needs for these codes and barcodes on any date: each version holding one of them with just
   * those entries (with in_force as its period, so a superseded version stops where its successor starts).
   */
  async pricingFor(
    codes: readonly string[],
    gtins: readonly string[],
  ): Promise<{ versions: ScheduleVersion[]; packs: PackMapping[] }> {
    const packRows: Array<{ gtin: string; code: string; units: string }> = await this.ds.query(
      `select gtin, code, units_per_pack::text as units from pack_mappings where gtin = any($1::text[])`,
      [gtins],
    );
    const packs = packRows.map((r) => ({ gtin: r.gtin, code: r.code, unitsPerPack: decimal(plain(decimal(r.units))) }));
    const all = [...new Set([...codes, ...packs.map((p) => p.code)])];
    const rows: Array<EntryRow & VersionRow> = await this.ds.query(
      `select e.*, e.ceiling_per_unit::text, e.tax_rate::text, v.instrument, v.regulator, v.time_zone, v.currency,
              lower(e.in_force)::text as from_date, upper(e.in_force)::text as to_date,
              v.recovery_interest_rate::text
         from schedule_entries e join schedule_versions v on v.id = e.version_id
        where e.code = any($1::text[]) and not isempty(e.in_force)`,
      [all],
    );
    return { versions: rows.map(singleEntryVersion), packs };
  }
}

function singleEntryVersion(r: EntryRow & VersionRow): ScheduleVersion {
  return {
    versionId: r.version_id,
    instrument: r.instrument,
    regulator: r.regulator,
    timeZone: r.time_zone,
    currency: r.currency,
    period: { from: r.from_date, to: r.to_date ?? undefined },
    recoveryInterestRate: decimal(plain(decimal(r.recovery_interest_rate))),
    entries: new Map([[r.code, toEntry(r)]]),
  };
}

/** The exclusion constraint (23P01) or the narrowing trigger refusing: a 409 naming the rule. */
export function overlapAsConflict(err: unknown): unknown {
  const e = err as { code?: string; detail?: string; message?: string };
  if (e.code === '23P01') {
    const code = /\(code, in_force\)=\(([^,]*),/.exec(e.detail ?? '')?.[1];
    return new ConflictError(
      'ScheduleOverlap',
      `another version is in force for ${code ?? 'an entry'} in this period`,
      {
        rule: 'no two schedule versions may be in force for one code on the same date',
        code,
      },
    );
  }
  if (e.code === 'P0001') return new ConflictError('ScheduleImmutable', e.message ?? 'immutable');
  return err;
}
