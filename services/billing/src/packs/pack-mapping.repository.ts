import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { decimal, plain, type Dec } from '../pricing/domain/money.js';
import type { MappedPack, PackFacts, PackSource } from './domain/pack-from-product.js';

/** The door to pack mappings from drug-trace and their conflicts (imports write theirs with the schedule). */
@Injectable()
export class PackMappingRepository {
  async facts(m: EntityManager, gtin: string, code: string): Promise<PackFacts> {
    const [entry] = (await m.query('select 1 from schedule_entries where code = $1 limit 1', [code])) as unknown[];
    return { entryExists: entry !== undefined, mapped: await this.mapped(m, gtin) };
  }

  private async mapped(m: EntityManager, gtin: string): Promise<MappedPack | undefined> {
    const [row] = (await m.query(
      'select code, units_per_pack::text as units, source from pack_mappings where gtin = $1',
      [gtin],
    )) as Array<{ code: string; units: string; source: PackSource }>;
    return row && { code: row.code, unitsPerPack: decimal(row.units), source: row.source };
  }

  /** False when another writer (an import) mapped the GTIN first: the caller decides again. */
  async insertFromDrugTrace(m: EntityManager, gtin: string, code: string, units: Dec, eventId: string) {
    const rows = (await m.query(
      `insert into pack_mappings (gtin, code, units_per_pack, version_id, source, source_event_id)
       values ($1, $2, $3, null, 'drug-trace', $4) on conflict (gtin) do nothing returning gtin`,
      [gtin, code, plain(units), eventId],
    )) as unknown[];
    return rows.length > 0;
  }

  async recordConflict(m: EntityManager, eventId: string, gtin: string, code: string, units: Dec, mapped: MappedPack) {
    await m.query(
      `insert into pack_mapping_conflicts (event_id, gtin, code, units_per_pack, mapped_code, mapped_units_per_pack,
         mapped_source) values ($1, $2, $3, $4, $5, $6, $7) on conflict (event_id) do nothing`,
      [eventId, gtin, code, plain(units), mapped.code, plain(mapped.unitsPerPack), mapped.source],
    );
  }
}
