import { id } from 'ethers';

/**
 * The bytes32 codes the Consent contract compares byte for byte: a record category and a purpose of use. The one
 * home for every service that asks Consent (records' gatekeeper, consent, billing). Remembered: categories and
 * purposes are few, and the gatekeeper asks for them on every read (bounded anyway).
 */
const codes = new Map<string, string>();
const codeOf = (label: string): string => {
  let code = codes.get(label);
  if (code === undefined) {
    if (codes.size >= 10_000) codes.clear();
    code = id(label);
    codes.set(label, code);
  }
  return code;
};

export const categoryCode = (category: string): string => codeOf(`uhr.category:${category}`);
export const purposeCode = (purpose: string): string => codeOf(`uhr.purpose:${purpose}`);

/** A purpose of use as grants and signed reads state it: a lowercase code (treatment, dispensing, billing…). */
export const PURPOSE_PATTERN = /^[a-z][a-z0-9-]{1,63}$/;
