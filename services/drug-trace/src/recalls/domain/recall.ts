/** A recall by GTIN, optionally narrowed to one lot and/or a list of serials. */
export interface Recall {
  id: string;
  gtin: string;
  lot: string | null;
  serials: readonly string[] | null;
  reason: string;
  createdAt: Date;
}

export function recallCovers(r: Recall, pack: { gtin: string; lot: string; serial: string }): boolean {
  return (
    r.gtin === pack.gtin &&
    (r.lot === null || r.lot === pack.lot) &&
    (r.serials === null || r.serials.includes(pack.serial))
  );
}
