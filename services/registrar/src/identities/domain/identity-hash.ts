import { createHmac } from 'node:crypto';

/**
 * Identity strings (national id, licence number) never leave the registrar in clear: they are stored and
 * anchored as HMAC-SHA256 under a secret pepper, so the chain and the database cannot be reversed by
 * enumerating national ids. The system is part of the hash: "national-id 123" and "licence 123" differ.
 */
export function identityHash(pepper: string, system: string, value: string): string {
  const normalized = value.normalize('NFKC').trim().toUpperCase().replace(/[\s-]+/g, '');
  return '0x' + createHmac('sha256', pepper).update(`${system}|${normalized}`).digest('hex');
}

/** The aggregate id (a UUID) as the contract's bytes32 key. */
export function chainIdOf(uuid: string): string {
  const hex = uuid.replace(/-/g, '').toLowerCase();
  if (!/^[0-9a-f]{32}$/.test(hex)) throw new Error(`not a uuid: ${uuid}`);
  return '0x' + hex.padStart(64, '0');
}
