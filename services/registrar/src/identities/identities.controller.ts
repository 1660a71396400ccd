import { Body, Controller, Get, HttpCode, Inject, Param, ParseUUIDPipe, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import {
  CurrentPrincipal,
  ForbiddenError,
  InvalidRequestError,
  isEthAddress,
  Roles,
  eventContextOf,
  type Principal,
  NoIdempotencyKey,
} from '@uhr/platform';
import { getAddress } from 'ethers';
import {
  EditIdentityDto,
  FindIdentityDto,
  RebindIdentityDto,
  RegisterIdentityDto,
  RetireIdentityDto,
} from './identity.dto.js';
import { IdentityRepository, type IdentityView } from './identity.repository.js';
import { EditIdentityUseCase } from './use-cases/edit-identity/edit-identity.use-case.js';
import { RebindIdentityUseCase } from './use-cases/rebind-identity/rebind-identity.use-case.js';
import { RegisterIdentityUseCase } from './use-cases/register-identity/register-identity.use-case.js';
import { RetireIdentityUseCase } from './use-cases/retire-identity/retire-identity.use-case.js';
import { IDENTITY_PEPPER } from './use-cases/tokens.js';
import { identityHash } from './domain/identity-hash.js';

const READ_ANY = ['registrar', 'admin', 'auditor'];

/** Registrars read everything; anyone else reads only the identity bound to their own login. */
function assertMayRead(p: Principal, view: IdentityView): IdentityView {
  if (p.roles.some((r) => READ_ANY.includes(r))) return view;
  if (view.subject !== null && view.subject === p.subject) return view;
  throw new ForbiddenError('NotYourIdentity', 'you may read only your own identity');
}

@ApiTags('identities')
@ApiBearerAuth()
@Controller('identities')
export class IdentitiesController {
  constructor(
    private readonly identities: IdentityRepository,
    private readonly registerUseCase: RegisterIdentityUseCase,
    private readonly editUseCase: EditIdentityUseCase,
    private readonly retireUseCase: RetireIdentityUseCase,
    private readonly rebindUseCase: RebindIdentityUseCase,
    @Inject(IDENTITY_PEPPER) private readonly pepper: string,
  ) {}

  /** Accepted at once (202); `chain.status` turns `confirmed` once the Registrar contract holds it. */
  @Post()
  @HttpCode(202)
  @Roles('registrar')
  register(@Body() dto: RegisterIdentityDto, @CurrentPrincipal() p: Principal) {
    return this.registerUseCase.execute(
      { kind: dto.kind, identifier: dto.identifier, address: getAddress(dto.address), subject: dto.subject ?? null },
      eventContextOf(p),
    );
  }

  /**
   * Is this national id / licence already registered? A POST, so the identifier never lands in a URL or an access
   * log; it is hashed with the pepper and looked up by hash.
   */
  @Post('search')
  @NoIdempotencyKey('a query: it changes nothing')
  @HttpCode(200)
  @Roles('registrar', 'admin', 'auditor')
  search(@Body() dto: FindIdentityDto) {
    return this.identities.byIdentityHash(identityHash(this.pepper, dto.identifier.system, dto.identifier.value));
  }

  /** The caller's own identity, from the login's subject. */
  @Get('me')
  async me(@CurrentPrincipal() p: Principal) {
    return this.identities.bySubject(p.subject);
  }

  @Get('by-address/:address')
  async byAddress(@Param('address') address: string, @CurrentPrincipal() p: Principal) {
    if (!isEthAddress(address)) throw new InvalidRequestError('InvalidAddress', 'address must be an Ethereum address');
    return assertMayRead(p, await this.identities.byAddress(getAddress(address)));
  }

  @Get(':id')
  async byId(@Param('id', new ParseUUIDPipe()) id: string, @CurrentPrincipal() p: Principal) {
    return assertMayRead(p, await this.identities.byId(id));
  }

  /** Every event of the identity, chain outcomes included: the registrar's audit trail. */
  @Get(':id/history')
  @Roles('registrar', 'admin', 'auditor')
  history(@Param('id', new ParseUUIDPipe()) id: string) {
    return this.identities.history(id);
  }

  @Patch(':id')
  @HttpCode(202)
  @Roles('registrar')
  edit(@Param('id', new ParseUUIDPipe()) id: string, @Body() dto: EditIdentityDto, @CurrentPrincipal() p: Principal) {
    return this.editUseCase.execute(id, { kind: dto.kind, identifier: dto.identifier }, eventContextOf(p));
  }

  @Post(':id/retire')
  @HttpCode(202)
  @Roles('registrar')
  retire(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() dto: RetireIdentityDto,
    @CurrentPrincipal() p: Principal,
  ) {
    return this.retireUseCase.execute(id, dto.reason, eventContextOf(p));
  }

  @Post(':id/rebind')
  @HttpCode(202)
  @Roles('registrar')
  rebind(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() dto: RebindIdentityDto,
    @CurrentPrincipal() p: Principal,
  ) {
    return this.rebindUseCase.execute(id, getAddress(dto.newAddress), dto.reason, eventContextOf(p));
  }
}
