import { id } from 'ethers';

// Must match the records gatekeeper's codes (services/records/src/records/domain/on-chain.ts): the Consent
// contract compares them byte for byte. A shared home in @uhr/contracts would be better (see README).
export const categoryCode = (category: string): string => id(`uhr.category:${category}`);
export const purposeCode = (purpose: string): string => id(`uhr.purpose:${purpose}`);
