import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors, CurrentPrincipal, NotFoundError, Roles, type Principal } from '@uhr/platform';
import { CallerResolver } from '../master-data/caller.js';
import { PackRepository } from './pack.repository.js';
import { CustodyChainUseCase } from './use-cases/custody-chain.use-case.js';

/** A pack's state and whereabouts: for its current custodian, whoever set its state, and overseers. */
@ApiTags('packs')
@ApiBearerAuth()
@Controller('packs')
export class PacksController {
  constructor(
    private readonly packs: PackRepository,
    private readonly callers: CallerResolver,
    private readonly custody: CustodyChainUseCase,
  ) {}

  /** Factory to patient: each step's time, business step, site and the party holding it. */
  @Get(':gtin/:serial/custody')
  @Roles('manufacturer', 'distributor', 'pharmacist', 'auditor', 'admin')
  @ApiOperation({
    summary: 'A pack’s custody chain, factory to patient (its current holder, auditors, administrators)',
    description: '404 UnknownPack for a pack not in your custody, as for a missing one.',
  })
  @ApiResponse({ status: 200, description: 'each step: time, business step, site and the party holding it' })
  @ApiErrors(401, 403, 404, 503)
  async custodyChain(@CurrentPrincipal() p: Principal, @Param('gtin') gtin: string, @Param('serial') serial: string) {
    return this.custody.execute(await this.callers.of(p), gtin, serial);
  }

  @Get(':gtin/:serial')
  @Roles('manufacturer', 'distributor', 'pharmacist', 'auditor', 'admin')
  @ApiOperation({
    summary: 'A pack’s state and whereabouts (its custodian, whoever set its state, auditors, administrators)',
    description: '404 UnknownPack for anyone else, as for a missing pack.',
  })
  @ApiResponse({ status: 200, description: 'gtin, serial, lot, expiry, state, since, location, parent, lastSeenAt' })
  @ApiErrors(401, 403, 404, 503)
  async pack(@CurrentPrincipal() p: Principal, @Param('gtin') gtin: string, @Param('serial') serial: string) {
    const caller = await this.callers.of(p);
    const { pack } = await this.packs.lookup(gtin, serial, null);
    const mine = caller.kind === 'overseer' || (pack && [pack.custodian, pack.statusParty].includes(caller.party.id));
    if (!pack || !mine) throw new NotFoundError('UnknownPack', `no pack ${gtin} / ${serial} in your custody`);
    return {
      gtin: pack.gtin,
      serial: pack.serial,
      lot: pack.lot,
      expiry: pack.expiry,
      state: pack.status,
      since: pack.since.toISOString(),
      location: pack.location,
      parent: pack.parent,
      lastSeenAt: pack.lastSeenAt?.toISOString() ?? null,
    };
  }
}
