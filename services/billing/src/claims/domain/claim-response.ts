import { adjudicateLine, type LineAdjudication } from '../../pricing/domain/adjudication.js';
import { Dec, decimal, moneyString, type Dec as D } from '../../pricing/domain/money.js';
import type { LineVerdict } from '../../pricing/domain/line-verdict.js';

const ADJUDICATION = 'http://terminology.hl7.org/CodeSystem/adjudication';
const UHR_ADJUDICATION = 'urn:uhr:billing:adjudication';

export interface ClaimInput {
  claimId: string;
  invoiceId: string;
  patientId: string;
  insurer: string;
  currency: string;
  created: string;
  verdicts: readonly LineVerdict[];
}

const money = (value: string, currency: string) => ({ value: Number(value), currency });
const category = (code: string, system = ADJUDICATION) => ({ coding: [{ system, code }] });

/**
 * The insurer's view of an issued invoice (FHIR R4 ClaimResponse): per line, submitted = what was billed,
 * eligible = benefit = at most the allowance, the patient's share of anything above it (0 under a hard cap, the
 * difference under a reference price) and the part disallowed to the hospital.
 */
export function claimResponseOf(c: ClaimInput) {
  const lines = c.verdicts.map((v) =>
    adjudicateLine(decimal(v.gross), decimal(v.allowedGross ?? v.gross), v.regime ?? 'HARD_CAP', c.currency),
  );
  const sum = (f: (a: LineAdjudication) => string) =>
    moneyString(
      lines.reduce<D>((acc, a) => acc.add(f(a)), new Dec(0)),
      c.currency,
    );
  const amounts = (a: { submitted: string; eligible: string; patientShare: string; disallowed: string }) => [
    { category: category('submitted'), amount: money(a.submitted, c.currency) },
    { category: category('eligible'), amount: money(a.eligible, c.currency) },
    { category: category('benefit'), amount: money(a.eligible, c.currency) },
    { category: category('copay'), amount: money(a.patientShare, c.currency) },
    { category: category('disallowed', UHR_ADJUDICATION), amount: money(a.disallowed, c.currency) },
  ];
  const totals = {
    submitted: sum((a) => a.submitted),
    eligible: sum((a) => a.eligible),
    patientShare: sum((a) => a.patientShare),
    disallowed: sum((a) => a.disallowed),
  };
  return {
    resourceType: 'ClaimResponse',
    id: c.claimId,
    status: 'active',
    type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/claim-type', code: 'institutional' }] },
    use: 'claim',
    patient: { reference: `Patient/${c.patientId}` },
    created: c.created,
    insurer: { identifier: { value: c.insurer } },
    request: { reference: `Invoice/${c.invoiceId}` },
    outcome: 'complete',
    item: lines.map((a, i) => ({ itemSequence: i + 1, adjudication: amounts(a) })),
    total: amounts(totals).map(({ category: cat, amount }) => ({ category: cat, amount })),
  };
}
