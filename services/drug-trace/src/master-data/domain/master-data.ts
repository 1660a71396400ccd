import { isValidGln, normaliseGtin } from '../../scan/index.js';

/** Supply-chain roles a party can hold; each is a Keycloak realm role of the same name. */
export const PARTY_ROLES = ['manufacturer', 'distributor', 'pharmacist'] as const;
export type PartyRole = (typeof PARTY_ROLES)[number];

export interface Party {
  id: string;
  subject: string;
  role: PartyRole;
  name: string;
  gln: string | null;
}

export interface Manufacturer {
  gln: string;
  partyId: string;
  name: string;
  companyPrefix: string;
  prefixLength: number;
}

export interface Product {
  gtin: string;
  manufacturerGln: string;
  name: string;
  strength: string;
  nationalCode: string | null;
  /** Controlled-substance schedule ("II", "CII", …) or null when not controlled. */
  schedule: string | null;
  /** The active substance: what the controlled-drug abuse rule compares across pharmacies. */
  substance: string;
  /** Regulated units in one pack (tablets, ml, …) when the manufacturer gave it: what billing prices a pack by. */
  unitsPerPack: number | null;
}

export interface Location {
  gln: string;
  partyId: string;
  name: string;
  latitude: number;
  longitude: number;
}

/** A master-data rule broken: the field at fault and why (answered 422 by the controller). */
export interface MasterDataProblem {
  field: string;
  rule: string;
  message: string;
}

export function checkManufacturer(m: Omit<Manufacturer, 'prefixLength'>): MasterDataProblem | undefined {
  if (!isValidGln(m.gln)) return { field: 'gln', rule: 'check-digit', message: `${m.gln} is not a valid GLN-13` };
  if (!/^\d{6,12}$/.test(m.companyPrefix))
    return { field: 'companyPrefix', rule: 'length', message: 'a GS1 company prefix is 6 to 12 digits' };
  if (!m.gln.startsWith(m.companyPrefix))
    return { field: 'gln', rule: 'company-prefix', message: `GLN ${m.gln} is not under prefix ${m.companyPrefix}` };
  return undefined;
}

/** A product's GTIN, normalised to 14 digits, must sit under its manufacturer's company prefix. */
export function checkProduct(gtin: string, maker: Manufacturer): { gtin: string } | MasterDataProblem {
  const g = normaliseGtin(gtin);
  if (!g) return { field: 'gtin', rule: 'check-digit', message: `${gtin} is not a valid GTIN` };
  if (g.slice(1, 1 + maker.prefixLength) !== maker.companyPrefix)
    return { field: 'gtin', rule: 'company-prefix', message: `GTIN ${g} is not under prefix ${maker.companyPrefix}` };
  return { gtin: g };
}

export const PRODUCT_REGISTERED = 'drug-trace.ProductRegistered';

/** Published once per product registered; billing maps its GTIN to a schedule entry (nationalCode) × units. */
export interface ProductRegistered {
  type: typeof PRODUCT_REGISTERED;
  version: 1;
  payload: {
    gtin: string;
    manufacturerGln: string;
    name: string;
    strength: string;
    nationalCode: string | null;
    unitsPerPack: number | null;
  };
}

export function productRegistered(p: Product): ProductRegistered {
  return {
    type: PRODUCT_REGISTERED,
    version: 1,
    payload: {
      gtin: p.gtin,
      manufacturerGln: p.manufacturerGln,
      name: p.name,
      strength: p.strength,
      nationalCode: p.nationalCode,
      unitsPerPack: p.unitsPerPack,
    },
  };
}

export function checkLocation(l: Pick<Location, 'gln' | 'latitude' | 'longitude'>): MasterDataProblem | undefined {
  if (!isValidGln(l.gln)) return { field: 'gln', rule: 'check-digit', message: `${l.gln} is not a valid GLN-13` };
  if (Math.abs(l.latitude) > 90) return { field: 'latitude', rule: 'range', message: 'latitude is within ±90' };
  if (Math.abs(l.longitude) > 180) return { field: 'longitude', rule: 'range', message: 'longitude is within ±180' };
  return undefined;
}
