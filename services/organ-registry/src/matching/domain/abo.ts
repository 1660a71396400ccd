/** ABO blood groups and subtypes, and the per-organ compatibility the policy sets. Pure. */
export const BLOOD_GROUPS = ['O', 'A', 'B', 'AB'] as const;
export type BloodGroup = (typeof BLOOD_GROUPS)[number];

/** A donor's ABO with its subtype where typed (A1/A2, A1B/A2B); plain A or AB when not subtyped. */
export const DONOR_ABO = ['O', 'A', 'A1', 'A2', 'B', 'AB', 'A1B', 'A2B'] as const;
export type DonorAbo = (typeof DONOR_ABO)[number];

export function groupOf(abo: DonorAbo): BloodGroup {
  switch (abo) {
    case 'O':
    case 'B':
    case 'A':
    case 'AB':
      return abo;
    case 'A1':
    case 'A2':
      return 'A';
    case 'A1B':
    case 'A2B':
      return 'AB';
  }
}

/** One organ's ABO rule in the policy: donor group → candidate groups, and the A2/A2B → B exception. */
export interface AboRule {
  readonly compatible: Readonly<Record<BloodGroup, readonly BloodGroup[]>>;
  /** Donor subtypes A2 and A2B may go to B candidates flagged A2-eligible (anti-A titer tested). */
  readonly a2ToEligibleB: boolean;
  /** Candidate groups ranked with the identical group, per donor group (liver: O donors favour O and B). */
  readonly favoured: Partial<Readonly<Record<BloodGroup, readonly BloodGroup[]>>>;
}

export type AboVerdict =
  | { readonly eligible: true; readonly rule: 'identical' | 'compatible' | 'favoured' | 'a2-to-b' }
  | { readonly eligible: false; readonly rule: 'abo-incompatible' };

/** Whether a candidate may receive the donor's organ under the rule, and why. */
export function aboVerdict(rule: AboRule, donor: DonorAbo, candidate: BloodGroup, a2Eligible: boolean): AboVerdict {
  const group = groupOf(donor);
  if (group === candidate) return { eligible: true, rule: 'identical' };
  if (rule.compatible[group].includes(candidate))
    return { eligible: true, rule: rule.favoured[group]?.includes(candidate) ? 'favoured' : 'compatible' };
  if (rule.a2ToEligibleB && (donor === 'A2' || donor === 'A2B') && candidate === 'B' && a2Eligible)
    return { eligible: true, rule: 'a2-to-b' };
  return { eligible: false, rule: 'abo-incompatible' };
}
