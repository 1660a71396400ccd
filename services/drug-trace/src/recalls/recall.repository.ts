import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { Recall } from './domain/recall.js';

export interface RecallReport {
  recall: Recall;
  packsAffected: number;
  byState: Record<string, number>;
  dispensed: number;
  whereabouts: Array<{
    custodian: string | null;
    custodianName: string | null;
    location: string | null;
    packs: number;
  }>;
}

const MATCH = `p.gtin = $1 and ($2::text is null or p.lot = $2) and ($3::text[] is null or p.serial = any($3::text[]))`;

/** The only door to recalls and the packs they cover. */
@Injectable()
export class RecallRepository {
  constructor(private readonly ds: DataSource) {}

  /** Stores the recall and makes every active pack it covers recalled; returns the custodians of those packs. */
  async add(m: EntityManager, r: Recall, by: string): Promise<string[]> {
    await m.query(
      'insert into recalls (id, gtin, lot, serials, reason, recalled_by, created_at) values ($1, $2, $3, $4, $5, $6, $7)',
      [r.id, r.gtin, r.lot, r.serials, r.reason, by, r.createdAt],
    );
    const rows = (await m.query(
      `with hit as (update packs p set state = 'recalled', state_since = $4, state_location = null, state_party = null
                     where ${MATCH} and p.state = 'active' returning p.custodian)
       select distinct custodian from hit where custodian is not null`,
      [r.gtin, r.lot, r.serials, r.createdAt],
    )) as Array<{ custodian: string }>;
    return rows.map((x) => x.custodian);
  }

  async byId(id: string): Promise<Recall | undefined> {
    const [r] = (await this.ds.query('select * from recalls where id = $1', [id])) as Array<{
      id: string;
      gtin: string;
      lot: string | null;
      serials: string[] | null;
      reason: string;
      created_at: Date;
    }>;
    return r
      ? { id: r.id, gtin: r.gtin, lot: r.lot, serials: r.serials, reason: r.reason, createdAt: new Date(r.created_at) }
      : undefined;
  }

  async report(recall: Recall): Promise<RecallReport> {
    const args = [recall.gtin, recall.lot, recall.serials];
    const states = (await this.ds.query(
      `select p.state, count(*)::int as n from packs p where ${MATCH} group by p.state`,
      args,
    )) as Array<{
      state: string;
      n: number;
    }>;
    const where = (await this.ds.query(
      `select p.custodian, pa.name, p.location_gln, count(*)::int as n from packs p left join parties pa on pa.id = p.custodian
        where ${MATCH} and p.state = 'recalled' group by p.custodian, pa.name, p.location_gln order by n desc`,
      args,
    )) as Array<{ custodian: string | null; name: string | null; location_gln: string | null; n: number }>;
    const byState = Object.fromEntries(states.map((s) => [s.state, s.n]));
    return {
      recall,
      packsAffected: states.reduce((a, s) => a + s.n, 0),
      byState,
      dispensed: byState.supplied ?? 0,
      whereabouts: where.map((w) => ({
        custodian: w.custodian,
        custodianName: w.name,
        location: w.location_gln,
        packs: w.n,
      })),
    };
  }
}
