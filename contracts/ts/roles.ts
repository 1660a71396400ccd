import { id } from 'ethers';

export const ROLES = {
  DEFAULT_ADMIN: '0x' + '00'.repeat(32),
  REGISTRAR: id('REGISTRAR_ROLE'),
  RELAYER: id('RELAYER_ROLE'),
  GATEKEEPER: id('GATEKEEPER_ROLE'),
  ANCHORER: id('ANCHORER_ROLE'),
} as const;
