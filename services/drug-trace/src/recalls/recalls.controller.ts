import { Body, Controller, Get, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiPropertyOptional, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  ApiErrors,
  CurrentPrincipal,
  eventContextOf,
  ForbiddenError,
  NotFoundError,
  Roles,
  type Principal,
} from '@uhr/platform';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsOptional, IsString, Length, Matches } from 'class-validator';
import { CallerResolver } from '../master-data/caller.js';
import { MasterDataRepository } from '../master-data/master-data.repository.js';
import { RecallRepository } from './recall.repository.js';
import { IssueRecallUseCase } from './use-cases/issue-recall.use-case.js';

export class IssueRecallDto {
  @ApiProperty({ example: '09521234543213' })
  @Matches(/^\d{14}$/, { message: 'gtin must be 14 digits' })
  gtin!: string;

  @ApiPropertyOptional({ description: 'one lot only' })
  @IsOptional()
  @IsString()
  @Length(1, 20)
  lot?: string;

  @ApiPropertyOptional({ description: 'these serials only (up to 100,000)' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100_000)
  @IsString({ each: true })
  @Length(1, 20, { each: true })
  serials?: string[];

  @ApiProperty({ example: 'contamination found in QC' })
  @IsString()
  @Length(1, 500)
  reason!: string;
}

@ApiTags('recalls')
@ApiBearerAuth()
@Controller('recalls')
export class RecallsController {
  constructor(
    private readonly issue: IssueRecallUseCase,
    private readonly recalls: RecallRepository,
    private readonly masterData: MasterDataRepository,
    private readonly callers: CallerResolver,
  ) {}

  /** Only the product's manufacturer recalls it. */
  @Post()
  @Roles('manufacturer')
  @ApiOperation({
    summary: 'Recall a product, one lot or some serials of it (the product’s manufacturer)',
    description:
      'The packs’ custodians are notified (drug-trace.RecallIssued), and verifying a recalled pack answers ' +
      'RECALLED from then on. 404 UnknownProduct; 403 NotYourProduct for another manufacturer’s GTIN.',
  })
  @ApiResponse({ status: 201, description: 'the recall' })
  @ApiErrors(400, 401, 403, 404, 503)
  async create(@CurrentPrincipal() p: Principal, @Body() dto: IssueRecallDto) {
    const party = await this.callers.partyOf(p);
    const product = await this.ownProduct(party.id, dto.gtin);
    return this.issue.execute(
      party,
      { gtin: dto.gtin, lot: dto.lot ?? null, serials: dto.serials ?? null, reason: dto.reason },
      product.name,
      eventContextOf(p),
    );
  }

  /** Packs affected, where they are now, how many were already dispensed: for the manufacturer and overseers. */
  @Get(':id/report')
  @Roles('manufacturer', 'auditor', 'admin')
  @ApiOperation({
    summary: 'A recall’s report: packs affected by state, where they are, how many dispensed',
    description:
      'The product’s manufacturer (403 NotYourProduct otherwise), auditors, administrators. 404 UnknownRecall.',
  })
  @ApiResponse({ status: 200, description: '{ recall, packsAffected, byState, dispensed, whereabouts }' })
  @ApiErrors(400, 401, 403, 404, 503)
  async report(@CurrentPrincipal() p: Principal, @Param('id', ParseUUIDPipe) id: string) {
    const recall = await this.recalls.byId(id);
    if (!recall) throw new NotFoundError('UnknownRecall', `no recall ${id}`);
    const caller = await this.callers.of(p);
    if (caller.kind === 'party') await this.ownProduct(caller.party.id, recall.gtin);
    return this.recalls.report(recall);
  }

  private async ownProduct(partyId: string, gtin: string) {
    const product = await this.masterData.product(gtin);
    if (!product) throw new NotFoundError('UnknownProduct', `gtin: no product ${gtin}`);
    const maker = await this.masterData.manufacturer(product.manufacturerGln);
    if (maker?.partyId !== partyId)
      throw new ForbiddenError('NotYourProduct', `gtin: ${gtin} is another manufacturer's`);
    return product;
  }
}
