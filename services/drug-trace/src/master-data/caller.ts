import { Injectable } from '@nestjs/common';
import { ForbiddenError, type Principal } from '@uhr/platform';
import type { Party } from './domain/master-data.js';
import { MasterDataRepository } from './master-data.repository.js';

/** Who is asking: a registered supply-chain party, or an overseer (auditor, admin) who sees everything. */
export type Caller = { kind: 'party'; party: Party } | { kind: 'overseer'; subject: string };

const OVERSEERS = ['auditor', 'admin'];

@Injectable()
export class CallerResolver {
  constructor(private readonly masterData: MasterDataRepository) {}

  async of(p: Principal): Promise<Caller> {
    if (p.roles.some((r) => OVERSEERS.includes(r))) return { kind: 'overseer', subject: p.subject };
    return { kind: 'party', party: await this.partyOf(p) };
  }

  /** The caller's party; its Keycloak role must still be the party's role (a revoked role loses access). */
  async partyOf(p: Principal): Promise<Party> {
    const party = await this.masterData.partyBySubject(p.subject);
    if (!party) throw new ForbiddenError('NotAParty', 'your login is not registered as a supply-chain party');
    if (!p.roles.includes(party.role))
      throw new ForbiddenError('RoleMismatch', `your party is a ${party.role} but your login lacks that role`);
    return party;
  }
}
