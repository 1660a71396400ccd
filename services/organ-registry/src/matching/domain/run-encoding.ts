import { canonicalJson } from './canonical.js';
import type { HlaTyping } from './hla.js';
import type { IneligibleCandidate, MatchCandidate, RankedCandidate } from './match-types.js';

/**
 * Hand-unrolled canonical JSON for the records a match run hashes 100,000 times (candidates in, ranked and
 * ineligible out): the same bytes as canonicalJson (keys in sorted order, absent members left out — the unit
 * test holds them equal), at a fraction of its cost. Numbers are finite: the edge checks refuse the rest.
 */
const str = JSON.stringify;
const opt = (key: string, v: unknown) =>
  v === undefined ? '' : `,"${key}":${typeof v === 'object' ? canonicalJson(v) : str(v)}`;
const list = (xs: readonly string[]) => (xs.length === 0 ? '[]' : `[${xs.map((x) => str(x)).join(',')}]`);
const SORTED_LOCI = ['A', 'B', 'C', 'DP', 'DQ', 'DR'] as const;

export function hlaJson(t: HlaTyping): string {
  let out = '';
  for (const locus of SORTED_LOCI) {
    const v = t[locus];
    if (v !== undefined) out += `${out === '' ? '' : ','}"${locus}":${list(v)}`;
  }
  return `{${out}}`;
}

export function candidateJson(c: MatchCandidate): string {
  return (
    `{"a2Eligible":${c.a2Eligible},"abo":${str(c.abo)},"cpra":${c.cpra}` +
    opt('dialysisStartAt', c.dialysisStartAt) +
    opt('epts', c.epts) +
    opt('gfrAtMost20At', c.gfrAtMost20At) +
    opt('heartStatus', c.heartStatus) +
    `,"hla":${hlaJson(c.hla)},"id":${str(c.id)}` +
    opt('liverStatus', c.liverStatus) +
    `,"location":{"lat":${c.location.lat},"lon":${c.location.lon}}` +
    opt('meldLabs', c.meldLabs) +
    `,"organ":${str(c.organ)},"paediatric":${c.paediatric},"priorLivingDonor":${c.priorLivingDonor}` +
    `,"registeredAt":${c.registeredAt},"unacceptable":${list(c.unacceptable)}}`
  );
}

export function rankedJson(r: RankedCandidate): string {
  const mm = r.mismatch;
  const p = r.points;
  return (
    `{"abo":${str(r.abo)},"candidateId":${str(r.candidateId)},"classId":${str(r.classId)}` +
    `,"crossmatch":${str(r.crossmatch)},"distanceNm":${r.distanceNm}` +
    opt('meld', r.meld) +
    (mm === undefined ? '' : `,"mismatch":{"A":${mm.A},"B":${mm.B},"DR":${mm.DR},"total":${mm.total}}`) +
    (p === undefined
      ? ''
      : `,"points":{"cpra":${p.cpra},"drMismatch":${p.drMismatch},"priorLivingDonor":${p.priorLivingDonor}` +
        `,"proximity":${p.proximity},"total":${p.total},"waiting":${p.waiting}}`) +
    `,"rank":${r.rank}` +
    opt('status', r.status) +
    `,"waitingDays":${r.waitingDays}}`
  );
}

export function ineligibleJson(i: IneligibleCandidate): string {
  const reasons = i.reasons.map((r) =>
    r.code === 'UNACCEPTABLE_ANTIGEN'
      ? `{"antigens":${list(r.antigens)},"code":"${r.code}"}`
      : `{"code":"${r.code}","detail":${str(r.detail)}}`,
  );
  return `{"candidateId":${str(i.candidateId)},"reasons":[${reasons.join(',')}]}`;
}
