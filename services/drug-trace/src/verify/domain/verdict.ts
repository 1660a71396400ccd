import type { Product } from '../../master-data/domain/master-data.js';
import type { PackState, PackStatus } from '../../packs/domain/pack.js';
import { recallCovers, type Recall } from '../../recalls/domain/recall.js';

/** What the scan says (lot and expiry are optional: a Digital Link may carry the serial only). */
export interface ScannedPack {
  gtin: string;
  serial: string;
  lot?: string;
  expiry?: string;
}

/** Everything verify knows about the pack, gathered in one lookup. */
export interface VerifyFacts {
  product: Product | undefined;
  pack: PackState | undefined;
  /** Whether any pack of this GTIN carries the scanned lot (tells an unknown batch from an unknown serial). */
  lotKnown: boolean;
  recalls: readonly Recall[];
  /** Today, YYYY-MM-DD (passed in: the domain reads no clock). */
  today: string;
}

export type VerifyCode =
  | 'ACTIVE'
  | 'UNKNOWN_PRODUCT'
  | 'UNKNOWN_BATCH'
  | 'UNKNOWN_SERIAL'
  | 'BATCH_MISMATCH'
  | 'EXPIRY_MISMATCH'
  | 'BATCH_AND_EXPIRY_MISMATCH'
  | 'RECALLED'
  | 'WITHDRAWN'
  | 'EXPIRED'
  | 'STOLEN'
  | 'LOCKED'
  | 'DESTROYED'
  | 'ALREADY_DECOMMISSIONED';

export interface Verdict {
  /** Sellable: genuine, active, not recalled, not expired. */
  sellable: boolean;
  code: VerifyCode;
  /** The EMVS alert an NMVS would raise (A2, A3, A7, A24, A52, A68), or null. */
  emvsAlert: string | null;
  state: PackStatus | null;
  message: string;
}

const v = (
  sellable: boolean,
  code: VerifyCode,
  emvsAlert: string | null,
  state: PackStatus | null,
  message: string,
) => ({
  sellable,
  code,
  emvsAlert,
  state,
  message,
});

/** Pure: the verdict on one scanned pack. Identity first (is this pack ours?), then its state. */
export function verdictOf(scan: ScannedPack, f: VerifyFacts): Verdict {
  if (!f.product) return v(false, 'UNKNOWN_PRODUCT', null, null, `no product with GTIN ${scan.gtin}`);
  const pack = f.pack;
  if (!pack) {
    if (scan.lot !== undefined && !f.lotKnown)
      return v(false, 'UNKNOWN_BATCH', 'A2', null, `batch ${scan.lot} not found`);
    return v(false, 'UNKNOWN_SERIAL', 'A3', null, `serial ${scan.serial} not found`);
  }
  const lotBad = scan.lot !== undefined && scan.lot !== pack.lot;
  const expiryBad = scan.expiry !== undefined && scan.expiry !== pack.expiry;
  if (lotBad && expiryBad)
    return v(false, 'BATCH_AND_EXPIRY_MISMATCH', 'A68', pack.status, 'batch and expiry differ from the record');
  if (lotBad) return v(false, 'BATCH_MISMATCH', 'A68', pack.status, `batch differs from the recorded ${pack.lot}`);
  if (expiryBad)
    return v(false, 'EXPIRY_MISMATCH', 'A52', pack.status, `expiry differs from the recorded ${pack.expiry}`);
  return stateVerdict(pack, f);
}

function stateVerdict(pack: PackState, f: VerifyFacts): Verdict {
  if (pack.status === 'recalled' || f.recalls.some((r) => recallCovers(r, pack)))
    return v(false, 'RECALLED', null, pack.status, 'the pack is recalled');
  switch (pack.status) {
    case 'active':
      if (pack.expiry < f.today) return v(false, 'EXPIRED', null, 'active', `expired on ${pack.expiry}`);
      return v(true, 'ACTIVE', null, 'active', 'genuine and active');
    case 'withdrawn':
      return v(false, 'WITHDRAWN', null, pack.status, 'the product is withdrawn');
    case 'expired':
      return v(false, 'EXPIRED', null, pack.status, `expired on ${pack.expiry}`);
    case 'stolen':
      return v(false, 'STOLEN', 'A24', pack.status, 'the pack is reported stolen');
    case 'locked':
      return v(false, 'LOCKED', 'A24', pack.status, 'the pack is locked');
    case 'destroyed':
      return v(false, 'DESTROYED', 'A24', pack.status, 'the pack was destroyed');
    case 'supplied':
    case 'exported':
    case 'checked_out':
    case 'sample':
    case 'free_sample':
      return v(false, 'ALREADY_DECOMMISSIONED', 'A24', pack.status, `the pack is already ${pack.status}`);
  }
}

/** GS1 Lightweight Verification Messaging (DSCSA VRS) answer for the same facts. */
export interface VrsData {
  verified: boolean;
  verificationFailureReason?: string;
  additionalInfo?: string;
}

export function vrsDataOf(verdict: Verdict): VrsData {
  switch (verdict.code) {
    case 'UNKNOWN_PRODUCT':
    case 'UNKNOWN_BATCH':
    case 'UNKNOWN_SERIAL':
      return { verified: false, verificationFailureReason: 'No_match_GTIN_Serial' };
    case 'BATCH_MISMATCH':
      return { verified: false, verificationFailureReason: 'No_match_GTIN_Serial_Lot' };
    case 'EXPIRY_MISMATCH':
      return { verified: false, verificationFailureReason: 'No_match_GTIN_Serial_Expiry' };
    case 'BATCH_AND_EXPIRY_MISMATCH':
      return { verified: false, verificationFailureReason: 'No_match_GTIN_Serial_Lot_Expiry' };
    case 'RECALLED':
      return { verified: true, additionalInfo: 'Recalled' };
    case 'EXPIRED':
      return { verified: true, additionalInfo: 'Expired' };
    case 'STOLEN':
    case 'DESTROYED':
      return { verified: true, additionalInfo: 'Suspect' };
    case 'ACTIVE':
      return { verified: true };
    case 'ALREADY_DECOMMISSIONED':
    case 'LOCKED':
    case 'WITHDRAWN':
      // Genuine but not for resale (already supplied, exported, sampled, locked, withdrawn).
      return { verified: false, verificationFailureReason: 'Not_for_re-distribution' };
  }
}
