import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  ApiErrors,
  CurrentPrincipal,
  eventContextOf,
  ForbiddenError,
  NotFoundError,
  Roles,
  UnprocessableError,
  type Principal,
} from '@uhr/platform';
import { CallerResolver } from './caller.js';
import {
  checkLocation,
  checkManufacturer,
  checkProduct,
  type MasterDataProblem,
  type Product,
} from './domain/master-data.js';
import {
  RegisterLocationDto,
  RegisterManufacturerDto,
  RegisterPartyDto,
  RegisterProductDto,
} from './master-data.dto.js';
import { MasterDataRepository } from './master-data.repository.js';

const refuse = (p: MasterDataProblem): never => {
  throw new UnprocessableError('InvalidMasterData', `${p.field}: ${p.message}`, { field: p.field, rule: p.rule });
};

@ApiTags('master data')
@ApiBearerAuth()
@Controller()
export class MasterDataController {
  constructor(
    private readonly repo: MasterDataRepository,
    private readonly callers: CallerResolver,
  ) {}

  /** An administrator ties a Keycloak login to a supply-chain party. */
  @Post('parties')
  @Roles('admin')
  @ApiOperation({
    summary: 'Tie a Keycloak login to a supply-chain party: manufacturer, distributor or pharmacist (administrators)',
    description: '409 AlreadyRegistered when the login, or the GLN, already has a party.',
  })
  @ApiResponse({ status: 201, description: 'the party' })
  @ApiErrors(400, 401, 403, 409, 503)
  registerParty(@Body() dto: RegisterPartyDto) {
    return this.repo.addParty({ subject: dto.subject, role: dto.role, name: dto.name, gln: dto.gln ?? null });
  }

  @Get('parties/me')
  @Roles('manufacturer', 'distributor', 'pharmacist')
  @ApiOperation({
    summary: 'Your party and its sites (manufacturers, distributors, pharmacists)',
    description: '403 NotAParty when your login has no party, RoleMismatch when it lacks the party’s role.',
  })
  @ApiResponse({ status: 200, description: 'the party, with its `locations`' })
  @ApiErrors(401, 403, 503)
  async me(@CurrentPrincipal() p: Principal) {
    const party = await this.callers.partyOf(p);
    return { ...party, locations: await this.repo.locationsOf(party.id) };
  }

  @Post('manufacturers')
  @Roles('admin')
  @ApiOperation({
    summary: 'Register a manufacturer’s GLN and GS1 company prefix for a party (administrators)',
    description:
      '404 UnknownParty; 422 NotAManufacturer for a party of another role, InvalidMasterData for a GLN or prefix ' +
      'that does not check; 409 AlreadyRegistered.',
  })
  @ApiResponse({ status: 201, description: 'the manufacturer, with its prefix length' })
  @ApiErrors(400, 401, 403, 404, 409, 422, 503)
  async registerManufacturer(@Body() dto: RegisterManufacturerDto) {
    const party = await this.repo.partyById(dto.partyId);
    if (!party) throw new NotFoundError('UnknownParty', `no party ${dto.partyId}`);
    if (party.role !== 'manufacturer')
      throw new UnprocessableError('NotAManufacturer', `partyId: party ${dto.partyId} is a ${party.role}`, {
        field: 'partyId',
        rule: 'role',
      });
    const problem = checkManufacturer({ ...dto, partyId: party.id });
    if (problem) refuse(problem);
    const m = { ...dto, partyId: party.id, prefixLength: dto.companyPrefix.length };
    await this.repo.addManufacturer(m);
    return m;
  }

  /** A manufacturer registers its own products (under its own company prefix). */
  @Post('products')
  @Roles('manufacturer')
  @ApiOperation({
    summary: 'Register one of your products by its GTIN (manufacturers)',
    description:
      '403 NotYourManufacturer for another’s `manufacturerGln`; 422 InvalidMasterData for a GTIN outside its ' +
      'company prefix or with a bad check digit; 409 AlreadyRegistered.',
  })
  @ApiResponse({ status: 201, description: 'the product' })
  @ApiErrors(400, 401, 403, 409, 422, 503)
  async registerProduct(@CurrentPrincipal() p: Principal, @Body() dto: RegisterProductDto) {
    const party = await this.callers.partyOf(p);
    const maker = await this.repo.manufacturer(dto.manufacturerGln);
    if (!maker || maker.partyId !== party.id)
      throw new ForbiddenError('NotYourManufacturer', `manufacturerGln: ${dto.manufacturerGln} is not one of yours`);
    const checked = checkProduct(dto.gtin, maker);
    if ('rule' in checked) return refuse(checked);
    const product: Product = {
      gtin: checked.gtin,
      manufacturerGln: maker.gln,
      name: dto.name,
      strength: dto.strength,
      nationalCode: dto.nationalCode ?? null,
      schedule: dto.schedule ?? null,
      substance: dto.substance ?? dto.name,
      unitsPerPack: dto.unitsPerPack ?? null,
    };
    await this.repo.addProduct(product, eventContextOf(p));
    return product;
  }

  /** Product master data is public to every supply-chain party (it is printed on the pack). */
  @Get('products/:gtin')
  @Roles('manufacturer', 'distributor', 'pharmacist', 'auditor', 'admin')
  @ApiOperation({
    summary: 'One product’s master data by its GTIN-14 (supply-chain parties, auditors, administrators)',
    description: '404 UnknownProduct.',
  })
  @ApiResponse({ status: 200, description: 'the product' })
  @ApiErrors(401, 403, 404, 503)
  async product(@Param('gtin') gtin: string) {
    const found = /^\d{14}$/.test(gtin) ? await this.repo.product(gtin) : undefined;
    if (!found) throw new NotFoundError('UnknownProduct', `no product with GTIN ${gtin}`);
    return found;
  }

  /** A party registers its own sites (factory, warehouse, pharmacy). */
  @Post('locations')
  @Roles('manufacturer', 'distributor', 'pharmacist')
  @ApiOperation({
    summary: 'Register one of your sites: factory, warehouse, pharmacy (manufacturers, distributors, pharmacists)',
    description: '422 InvalidMasterData for a GLN or coordinates that do not check; 409 AlreadyRegistered.',
  })
  @ApiResponse({ status: 201, description: 'the location' })
  @ApiErrors(400, 401, 403, 409, 422, 503)
  async registerLocation(@CurrentPrincipal() p: Principal, @Body() dto: RegisterLocationDto) {
    const party = await this.callers.partyOf(p);
    const problem = checkLocation(dto);
    if (problem) refuse(problem);
    const location = { ...dto, partyId: party.id };
    await this.repo.addLocation(location);
    return location;
  }
}
