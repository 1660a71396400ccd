import { createHmac } from 'node:crypto';

/**
 * Identity strings (national id, licence number) never leave the registrar in clear: they are stored and
 * anchored as HMAC-SHA256 under a secret pepper, so the chain and the database cannot be reversed by
 * enumerating national ids. The system is part of the hash: "national-id 123" and "licence 123" differ.
 */
export function identityHash(pepper: string, system: string, value: string): string {
  const normalized = value
    .normalize('NFKC')
    .trim()
    .toUpperCase()
    .replace(/[\s-]+/g, '');
  return '0x' + createHmac('sha256', pepper).update(`${system}|${normalized}`).digest('hex');
}
