import { id } from 'ethers';

/** Why a provider may open emergency access: a closed list, so alerts and audits can be triaged. */
export const BREAK_GLASS_REASONS = [
  'emergency-treatment',
  'unconscious-patient',
  'life-threatening',
  'public-health',
] as const;
export type BreakGlassReason = (typeof BREAK_GLASS_REASONS)[number];

/** Consent caps a break-glass window at 24 h; UHR keeps it tighter. */
export const MAX_BREAK_GLASS_SECONDS = 4 * 3600;

export const reasonCodeOf = (reason: BreakGlassReason): string => id(`uhr.break-glass:${reason}`);
