import { Injectable } from '@nestjs/common';
import { ConflictError, EventStore, topicOf, type EventContext } from '@uhr/platform';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import {
  productRegistered,
  type Location,
  type Manufacturer,
  type Party,
  type PartyRole,
  type Product,
} from './domain/master-data.js';

/** Product master data as events (drug-trace.ProductRegistered), keyed by GTIN: what billing maps packs from. */
export const PRODUCT_TOPIC = topicOf('drug-trace', 'product');

interface PartyRow {
  id: string;
  subject: string;
  role: PartyRole;
  name: string;
  gln: string | null;
}
interface ProductRow {
  gtin: string;
  manufacturer_gln: string;
  name: string;
  strength: string;
  national_code: string | null;
  schedule: string | null;
  substance: string;
  units_per_pack: number | null;
}
interface LocationRow {
  gln: string;
  party_id: string;
  name: string;
  latitude: number;
  longitude: number;
}
interface ManufacturerRow {
  gln: string;
  party_id: string;
  name: string;
  company_prefix: string;
  prefix_length: number;
}

const toProduct = (r: ProductRow): Product => ({
  gtin: r.gtin,
  manufacturerGln: r.manufacturer_gln,
  name: r.name,
  strength: r.strength,
  nationalCode: r.national_code,
  schedule: r.schedule,
  substance: r.substance,
  unitsPerPack: r.units_per_pack,
});
const toLocation = (r: LocationRow): Location => ({
  gln: r.gln,
  partyId: r.party_id,
  name: r.name,
  latitude: r.latitude,
  longitude: r.longitude,
});
const toManufacturer = (r: ManufacturerRow): Manufacturer => ({
  gln: r.gln,
  partyId: r.party_id,
  name: r.name,
  companyPrefix: r.company_prefix,
  prefixLength: r.prefix_length,
});

/** Runs an insert; a unique violation is a 409 naming what already exists. */
async function insertOnce(what: string, write: () => Promise<unknown>): Promise<void> {
  try {
    await write();
  } catch (err) {
    if ((err as { code?: string }).code === '23505') throw new ConflictError('AlreadyRegistered', `${what} exists`);
    throw err;
  }
}

/**
 * The only door to master data. Rows are never updated, so what was found once is kept in memory: capture and
 * verify look products, locations and parties up without a round trip after the first time.
 */
@Injectable()
export class MasterDataRepository {
  private readonly parties = new Map<string, Party>();
  private readonly products = new Map<string, Product>();
  private readonly locations = new Map<string, Location>();
  private readonly makers = new Map<string, Manufacturer>();

  constructor(
    private readonly ds: DataSource,
    private readonly events: EventStore,
  ) {}

  async addParty(p: Omit<Party, 'id'>): Promise<Party> {
    const party = { ...p, id: randomUUID() };
    await insertOnce(`a party for subject ${p.subject} or GLN ${p.gln}`, () =>
      this.ds.query('insert into parties (id, subject, role, name, gln) values ($1, $2, $3, $4, $5)', [
        party.id,
        p.subject,
        p.role,
        p.name,
        p.gln,
      ]),
    );
    return party;
  }

  async partyBySubject(subject: string): Promise<Party | undefined> {
    const hit = this.parties.get(subject);
    if (hit) return hit;
    const [row] = (await this.ds.query('select * from parties where subject = $1', [subject])) as PartyRow[];
    if (row) this.parties.set(subject, row);
    return row;
  }

  async partyByGln(gln: string): Promise<Party | undefined> {
    const [row] = (await this.ds.query('select * from parties where gln = $1', [gln])) as PartyRow[];
    return row;
  }

  async partyById(id: string): Promise<Party | undefined> {
    const [row] = (await this.ds.query('select * from parties where id = $1', [id])) as PartyRow[];
    return row;
  }

  async addManufacturer(m: Manufacturer): Promise<void> {
    await insertOnce(`manufacturer ${m.gln} or prefix ${m.companyPrefix}`, () =>
      this.ds.query(
        'insert into manufacturers (gln, party_id, name, company_prefix, prefix_length) values ($1, $2, $3, $4, $5)',
        [m.gln, m.partyId, m.name, m.companyPrefix, m.prefixLength],
      ),
    );
  }

  async manufacturersOf(partyId: string): Promise<Manufacturer[]> {
    const rows = (await this.ds.query('select * from manufacturers where party_id = $1 order by gln', [
      partyId,
    ])) as ManufacturerRow[];
    return rows.map(toManufacturer);
  }

  async manufacturer(gln: string): Promise<Manufacturer | undefined> {
    const hit = this.makers.get(gln);
    if (hit) return hit;
    const [row] = (await this.ds.query('select * from manufacturers where gln = $1', [gln])) as ManufacturerRow[];
    const m = row ? toManufacturer(row) : undefined;
    if (m) this.makers.set(gln, m);
    return m;
  }

  /** The manufacturer whose company prefix a GTIN-14 carries (prefixes are unique and never nest). */
  async manufacturerOfGtin(gtin: string): Promise<Manufacturer | undefined> {
    const product = await this.product(gtin);
    return product ? this.manufacturer(product.manufacturerGln) : undefined;
  }

  /** The product and its ProductRegistered (outbox) commit together: no product unpublished, none published twice. */
  async addProduct(p: Product, ctx: EventContext): Promise<void> {
    await insertOnce(`product ${p.gtin}`, () =>
      this.ds.transaction(async (m) => {
        await m.query(
          `insert into products (gtin, manufacturer_gln, name, strength, national_code, schedule, substance,
             units_per_pack)
           values ($1, $2, $3, $4, $5, $6, $7, $8)`,
          [p.gtin, p.manufacturerGln, p.name, p.strength, p.nationalCode, p.schedule, p.substance, p.unitsPerPack],
        );
        await this.events.append(m, `product-${p.gtin}`, 0, [productRegistered(p)], ctx, PRODUCT_TOPIC);
      }),
    );
  }

  async product(gtin: string): Promise<Product | undefined> {
    const hit = this.products.get(gtin);
    if (hit) return hit;
    const [row] = (await this.ds.query('select * from products where gtin = $1', [gtin])) as ProductRow[];
    const p = row ? toProduct(row) : undefined;
    if (p) this.products.set(gtin, p);
    return p;
  }

  /** From memory only (the verify path): a product seen before, else undefined without asking PostgreSQL. */
  cachedProduct(gtin: string): Product | undefined {
    return this.products.get(gtin);
  }

  async addLocation(l: Location): Promise<void> {
    await insertOnce(`location ${l.gln}`, () =>
      this.ds.query('insert into locations (gln, party_id, name, latitude, longitude) values ($1, $2, $3, $4, $5)', [
        l.gln,
        l.partyId,
        l.name,
        l.latitude,
        l.longitude,
      ]),
    );
  }

  async location(gln: string, manager: EntityManager = this.ds.manager): Promise<Location | undefined> {
    const hit = this.locations.get(gln);
    if (hit) return hit;
    const [row] = (await manager.query('select * from locations where gln = $1', [gln])) as LocationRow[];
    const l = row ? toLocation(row) : undefined;
    if (l) this.locations.set(gln, l);
    return l;
  }

  async locationsOf(partyId: string): Promise<Location[]> {
    const rows = (await this.ds.query('select * from locations where party_id = $1 order by gln', [
      partyId,
    ])) as LocationRow[];
    return rows.map(toLocation);
  }

  /** Every product once, into memory (boot), so the first verify of each is as fast as the rest. */
  async warm(): Promise<void> {
    const rows = (await this.ds.query('select * from products')) as ProductRow[];
    for (const r of rows) this.products.set(r.gtin, toProduct(r));
  }
}
