/** The secret that keys identity-string hashes (UHR_IDENTITY_PEPPER). */
export const IDENTITY_PEPPER = Symbol('IDENTITY_PEPPER');
