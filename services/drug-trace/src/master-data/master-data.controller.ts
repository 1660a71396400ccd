import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import {
  ApiErrors,
  CurrentPrincipal,
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
  @ApiErrors(400, 401, 403, 409)
  registerParty(@Body() dto: RegisterPartyDto) {
    return this.repo.addParty({ subject: dto.subject, role: dto.role, name: dto.name, gln: dto.gln ?? null });
  }

  @Get('parties/me')
  @Roles('manufacturer', 'distributor', 'pharmacist')
  @ApiErrors(401, 403)
  async me(@CurrentPrincipal() p: Principal) {
    const party = await this.callers.partyOf(p);
    return { ...party, locations: await this.repo.locationsOf(party.id) };
  }

  @Post('manufacturers')
  @Roles('admin')
  @ApiErrors(400, 401, 403, 404, 409, 422)
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
  @ApiErrors(400, 401, 403, 409, 422)
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
    };
    await this.repo.addProduct(product);
    return product;
  }

  /** Product master data is public to every supply-chain party (it is printed on the pack). */
  @Get('products/:gtin')
  @Roles('manufacturer', 'distributor', 'pharmacist', 'auditor', 'admin')
  @ApiErrors(401, 403, 404)
  async product(@Param('gtin') gtin: string) {
    const found = /^\d{14}$/.test(gtin) ? await this.repo.product(gtin) : undefined;
    if (!found) throw new NotFoundError('UnknownProduct', `no product with GTIN ${gtin}`);
    return found;
  }

  /** A party registers its own sites (factory, warehouse, pharmacy). */
  @Post('locations')
  @Roles('manufacturer', 'distributor', 'pharmacist')
  @ApiErrors(400, 401, 403, 409, 422)
  async registerLocation(@CurrentPrincipal() p: Principal, @Body() dto: RegisterLocationDto) {
    const party = await this.callers.partyOf(p);
    const problem = checkLocation(dto);
    if (problem) refuse(problem);
    const location = { ...dto, partyId: party.id };
    await this.repo.addLocation(location);
    return location;
  }
}
