import type { EpcIdentity, PackIdentity } from './types.js';

/** An EPC as a PackIdentity, so canonicalDigitalLink gives its id.gs1.org form (as the CBV event hash needs). */
export function epcToIdentity(epc: EpcIdentity): PackIdentity {
  switch (epc.scheme) {
    case 'sgtin':
      return { gtin: epc.gtin, serial: epc.serial, ais: { '01': epc.gtin, '21': epc.serial } };
    case 'lgtin':
      return { gtin: epc.gtin, lot: epc.lot, ais: { '01': epc.gtin, '10': epc.lot } };
    case 'sscc':
      return { gtin: '', sscc: epc.sscc, ais: { '00': epc.sscc } };
    case 'sgln':
      return {
        gtin: '',
        gln: epc.gln,
        ais: epc.extension ? { '414': epc.gln, '254': epc.extension } : { '414': epc.gln },
      };
    case 'pgln':
      return { gtin: '', gln: epc.gln, ais: { '417': epc.gln } };
  }
}
