/**
 * The anomaly rules (pure). Each alert names its rule, a severity and the evidence that raised it; the
 * parties it concerns hear of it, and so do the auditors. Technical (scan-quality) signals stay apart from
 * procedural ones: a parse error is never an alert.
 */
export type AnomalyRule =
  | 'clone-suspicion'
  | 'impossible-travel'
  | 'wrong-receiver'
  | 'serial-guessing'
  | 'child-apart-from-parent'
  | 'controlled-drug-abuse';
export type Severity = 'warning' | 'critical';

export interface Alert {
  rule: AnomalyRule;
  severity: Severity;
  summary: string;
  evidence: Record<string, unknown>;
  /** Party ids concerned (custodians, sites, the pharmacies involved). */
  parties: string[];
  /**
   * What the alert is about (an EPC, a site, a patient and substance): a repeat of (rule, subject) within the
   * de-duplication window is counted on the alert already open instead of raising another (./dedup.ts).
   */
  subject: string;
}

export interface Sighting {
  gln: string;
  latitude: number;
  longitude: number;
  at: Date;
}

/** Great-circle distance (haversine, mean Earth radius 6371.0088 km). */
export function distanceKm(a: Pick<Sighting, 'latitude' | 'longitude'>, b: Pick<Sighting, 'latitude' | 'longitude'>) {
  const rad = Math.PI / 180;
  const dLat = (b.latitude - a.latitude) * rad;
  const dLon = (b.longitude - a.longitude) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.latitude * rad) * Math.cos(b.latitude * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371.0088 * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Two sightings of one pack at different sites faster than anything travels: one of them is a copy. */
export function impossibleTravel(epc: string, prev: Sighting, next: Sighting, maxKmh: number, parties: string[]) {
  if (prev.gln === next.gln) return undefined;
  const km = distanceKm(prev, next);
  const hours = Math.abs(next.at.getTime() - prev.at.getTime()) / 3_600_000;
  const kmh = hours === 0 ? Infinity : km / hours;
  if (kmh <= maxKmh) return undefined;
  return alert('impossible-travel', epc, 'critical', `${epc} moved ${km.toFixed(0)} km at ${fmt(kmh)} km/h`, parties, {
    epc,
    from: { gln: prev.gln, at: prev.at.toISOString() },
    to: { gln: next.gln, at: next.at.toISOString() },
    km: Math.round(km),
    kmh: Number.isFinite(kmh) ? Math.round(kmh) : null,
    maxKmh,
  });
}

const fmt = (kmh: number) => (Number.isFinite(kmh) ? kmh.toFixed(0) : '∞');

/** A pack decommissioned again, or commissioned twice: two physical packs carry one serial. */
export function cloneSuspicion(epc: string, what: string, state: string | null, parties: string[], at: Date) {
  return alert('clone-suspicion', epc, 'critical', `${epc}: ${what} while ${state ?? 'unknown'}`, parties, {
    epc,
    what,
    state,
    at: at.toISOString(),
  });
}

/** A shipment received by someone else than the party it was shipped to. */
export function wrongReceiver(epc: string, destination: string | null, receiver: string, at: Date) {
  if (destination === null || destination === receiver) return undefined;
  return alert(
    'wrong-receiver',
    epc,
    'warning',
    `${epc} received by a party other than its destination`,
    [destination, receiver],
    {
      epc,
      destination,
      receiver,
      at: at.toISOString(),
    },
  );
}

/** A pack seen on its own at a site other than where its case/pallet is, with no unpacking in between. */
export function childApartFromParent(
  epc: string,
  parent: string,
  parentSite: string | null,
  site: string,
  parties: string[],
) {
  if (parentSite === null || parentSite === site) return undefined;
  return alert(
    'child-apart-from-parent',
    epc,
    'warning',
    `${epc} seen at ${site} while its parent is at ${parentSite}`,
    parties,
    {
      epc,
      parent,
      parentSite,
      site,
    },
  );
}

/** Unknown serials from one site: `times` are the moments of A3 outcomes there, oldest first. */
export function serialGuessing(
  site: string,
  times: readonly number[],
  threshold: number,
  windowMs: number,
  party: string | null,
) {
  if (times.length < threshold) return undefined;
  const first = times[times.length - threshold]!;
  const last = times[times.length - 1]!;
  if (last - first > windowMs) return undefined;
  return alert(
    'serial-guessing',
    site,
    'critical',
    `${threshold} unknown serials from ${site} within ${windowMs / 1000} s`,
    party ? [party] : [],
    {
      site,
      count: threshold,
      from: new Date(first).toISOString(),
      to: new Date(last).toISOString(),
    },
  );
}

export interface Dispensation {
  pharmacy: string;
  at: Date;
  gtin: string;
  serial: string;
}

/**
 * The same patient (a UHR identity, never a name) dispensed one scheduled substance at several pharmacies
 * within the window (paper §4): an alert for the prescriber and the auditors.
 */
export function controlledDrugAbuse(
  patient: string,
  substance: string,
  history: readonly Dispensation[],
  now: Date,
  windowMs: number,
  minPharmacies: number,
) {
  const recent = history.filter((d) => now.getTime() - d.at.getTime() <= windowMs);
  const pharmacies = [...new Set(recent.map((d) => d.pharmacy))];
  if (pharmacies.length < minPharmacies) return undefined;
  return alert(
    'controlled-drug-abuse',
    `${patient}|${substance}`,
    'critical',
    `${substance} dispensed to one patient at ${pharmacies.length} pharmacies`,
    pharmacies,
    {
      patient,
      substance,
      pharmacies,
      dispensations: recent.map((d) => ({ ...d, at: d.at.toISOString() })),
      windowHours: windowMs / 3_600_000,
    },
  );
}

function alert(
  rule: AnomalyRule,
  subject: string,
  severity: Severity,
  summary: string,
  parties: string[],
  evidence: Record<string, unknown>,
): Alert {
  return { rule, subject, severity, summary, evidence, parties: [...new Set(parties)] };
}
