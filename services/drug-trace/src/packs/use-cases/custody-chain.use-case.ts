import { Injectable } from '@nestjs/common';
import { NotFoundError } from '@uhr/platform';
import { sgtinDl, siteOf, toEpcisEvent } from '../../epcis/domain/epcis-event.js';
import { STANDARD_NAMESPACES } from '../../epcis/domain/event-hash.js';
import { EpcisRepository } from '../../epcis/epcis.repository.js';
import type { Caller } from '../../master-data/caller.js';
import { MasterDataRepository } from '../../master-data/master-data.repository.js';
import { PackRepository } from '../pack.repository.js';

export interface CustodyStep {
  at: string;
  step: string;
  site: string | null;
  party: string | null;
}

/**
 * A pack's custody chain, factory to patient: every event about it or the case/pallet it was in (site and the
 * party holding that site), then its final state if it left the chain. Like a DSCSA transaction history, it goes
 * to the pack's current custodian (and overseers), not to every party that ever held it.
 */
@Injectable()
export class CustodyChainUseCase {
  constructor(
    private readonly packs: PackRepository,
    private readonly events: EpcisRepository,
    private readonly masterData: MasterDataRepository,
  ) {}

  async execute(
    caller: Caller,
    gtin: string,
    serial: string,
  ): Promise<{ gtin: string; serial: string; chain: CustodyStep[] }> {
    const { pack } = await this.packs.lookup(gtin, serial, null);
    const holder = pack?.statusParty && pack.status !== 'active' ? pack.statusParty : pack?.custodian;
    if (!pack || (caller.kind === 'party' && holder !== caller.party.id))
      throw new NotFoundError('UnknownPack', `no pack ${gtin} / ${serial} in your custody`);
    const stored = await this.events.query({
      epcs: [sgtinDl(gtin, serial)],
      contained: true,
      afterSeq: 0,
      limit: 1000,
    });
    const chain: CustodyStep[] = [];
    for (const s of stored) {
      const e = toEpcisEvent(s.body, 0, STANDARD_NAMESPACES);
      const site = siteOf(e);
      chain.push({ at: e.eventTime.toISOString(), step: e.bizStep ?? e.type, site, party: await this.partyAt(site) });
    }
    if (pack.status !== 'active')
      chain.push({
        at: pack.since.toISOString(),
        step: pack.status,
        site: pack.statusLocation,
        party: await this.partyAt(pack.statusLocation),
      });
    return { gtin, serial, chain };
  }

  private async partyAt(gln: string | null): Promise<string | null> {
    const l = gln ? await this.masterData.location(gln) : undefined;
    const p = l ? await this.masterData.partyById(l.partyId) : undefined;
    return p?.name ?? null;
  }
}
