import { Body, Controller, Get, HttpCode, Inject, Param, ParseUUIDPipe, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  ApiErrors,
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
/** Every command's answer: the change is stored, the chain follows. */
const ACCEPTED = {
  status: 202,
  description: 'stored; `chain.status` is `pending` until the Registrar contract holds it',
};

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
  @ApiOperation({
    summary: 'Register an identity: a vouched-for identifier bound to the address that signs for it (registrars)',
    description:
      'The identifier is stored and anchored only as a keyed hash. 409 IdentityConflict: an active identity ' +
      'already has this identifier or this address.',
  })
  @ApiResponse(ACCEPTED)
  @ApiErrors(400, 401, 403, 409, 503)
  @Post()
  @HttpCode(202)
  @Roles('registrar')
  register(@Body() dto: RegisterIdentityDto, @CurrentPrincipal() p: Principal) {
    return this.registerUseCase.execute(
      {
        kind: dto.kind,
        identifier: dto.identifier,
        address: getAddress(dto.address),
        subject: dto.subject ?? null,
        displayName: dto.displayName ?? null,
      },
      eventContextOf(p),
    );
  }

  /**
   * Is this national id / licence already registered? A POST, so the identifier never lands in a URL or an access
   * log; it is hashed with the pepper and looked up by hash.
   */
  @ApiOperation({
    summary: 'Find the identity registered for an identifier (registrars, administrators, auditors)',
    description: 'The active identity for it, else the latest retired one; 404 IdentityNotFound when none.',
  })
  @ApiResponse({ status: 200, description: 'the identity and its chain status' })
  @ApiErrors(400, 401, 403, 404, 503)
  @Post('search')
  @NoIdempotencyKey('a query: it changes nothing')
  @HttpCode(200)
  @Roles('registrar', 'admin', 'auditor')
  search(@Body() dto: FindIdentityDto) {
    return this.identities.byIdentityHash(identityHash(this.pepper, dto.identifier.system, dto.identifier.value));
  }

  /** The caller's own identity, from the login's subject. */
  @ApiOperation({ summary: 'The identity bound to your login (any signed-in user)' })
  @ApiResponse({ status: 200, description: 'your identity (the active one, else the latest retired)' })
  @ApiErrors(401, 404, 503)
  @Get('me')
  async me(@CurrentPrincipal() p: Principal) {
    return this.identities.bySubject(p.subject);
  }

  @ApiOperation({
    summary: 'The identity bound to an address (registrars, administrators, auditors; or its own login)',
    description: 'The active identity bound to it, else the latest retired one.',
  })
  @ApiResponse({ status: 200, description: 'the identity and its chain status' })
  @ApiErrors(400, 401, 403, 404, 503)
  @Get('by-address/:address')
  async byAddress(@Param('address') address: string, @CurrentPrincipal() p: Principal) {
    if (!isEthAddress(address)) throw new InvalidRequestError('InvalidAddress', 'address must be an Ethereum address');
    return assertMayRead(p, await this.identities.byAddress(getAddress(address)));
  }

  @ApiOperation({ summary: 'One identity (registrars, administrators, auditors; or its own login)' })
  @ApiResponse({ status: 200, description: 'the identity and its chain status' })
  @ApiErrors(400, 401, 403, 404, 503)
  @Get(':id')
  async byId(@Param('id', new ParseUUIDPipe()) id: string, @CurrentPrincipal() p: Principal) {
    return assertMayRead(p, await this.identities.byId(id));
  }

  /** Every event of the identity, chain outcomes included: the registrar's audit trail. */
  @ApiOperation({
    summary: 'Every event of an identity, chain outcomes included (registrars, administrators, auditors)',
  })
  @ApiResponse({ status: 200, description: 'the event envelopes, oldest first' })
  @ApiErrors(400, 401, 403, 404, 503)
  @Get(':id/history')
  @Roles('registrar', 'admin', 'auditor')
  history(@Param('id', new ParseUUIDPipe()) id: string) {
    return this.identities.history(id);
  }

  @ApiOperation({
    summary: 'Correct an identity’s kind or identifier (registrars)',
    description:
      '409 IdentityRetired, or IdentityConflict when another active identity has the new identifier; ' +
      '422 NothingToChange when the edit changes nothing.',
  })
  @ApiResponse(ACCEPTED)
  @ApiErrors(400, 401, 403, 404, 409, 422, 503)
  @Patch(':id')
  @HttpCode(202)
  @Roles('registrar')
  edit(@Param('id', new ParseUUIDPipe()) id: string, @Body() dto: EditIdentityDto, @CurrentPrincipal() p: Principal) {
    return this.editUseCase.execute(id, { kind: dto.kind, identifier: dto.identifier }, eventContextOf(p));
  }

  @ApiOperation({
    summary: 'Retire an identity: its address no longer signs for it (registrars)',
    description: '409 IdentityRetired when it already is.',
  })
  @ApiResponse(ACCEPTED)
  @ApiErrors(400, 401, 403, 404, 409, 503)
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

  @ApiOperation({
    summary: 'Bind an identity to a new address after key loss; the old key stops working (registrars)',
    description:
      '409 IdentityRetired, or IdentityConflict when the address is bound to another active identity; ' +
      '422 NothingToChange when it is already bound to that address.',
  })
  @ApiResponse(ACCEPTED)
  @ApiErrors(400, 401, 403, 404, 409, 422, 503)
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
