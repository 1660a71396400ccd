import { id } from 'ethers';

/**
 * The bytes32 codes the Consent contract compares byte for byte: a record category and a purpose. One home for
 * every service that asks Consent (records' gatekeeper and consent keep their own copies until they move here).
 */
export const categoryCode = (category: string): string => id(`uhr.category:${category}`);
export const purposeCode = (purpose: string): string => id(`uhr.purpose:${purpose}`);
