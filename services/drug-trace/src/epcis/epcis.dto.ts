import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsISO8601, IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';

const LIST = { description: 'one value or several separated by |' };

/** The page size every paged EPCIS answer takes (events, and the browse lists). */
export class PageSizeDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 30 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  perPage?: number;
}

/** The EPCIS 2.0 REST binding's common query parameters (SimpleEventQuery), with paging. */
export class EventQueryDto extends PageSizeDto {
  @ApiPropertyOptional(LIST)
  @IsOptional()
  @IsString()
  @Length(1, 2000)
  eventType?: string;

  @ApiPropertyOptional(LIST)
  @IsOptional()
  @IsString()
  @Length(1, 2000)
  EQ_bizStep?: string;

  @ApiPropertyOptional(LIST)
  @IsOptional()
  @IsString()
  @Length(1, 2000)
  EQ_disposition?: string;

  @ApiPropertyOptional({ ...LIST, example: 'urn:epc:id:sgln:9521234.00002.0' })
  @IsOptional()
  @IsString()
  @Length(1, 2000)
  EQ_bizLocation?: string;

  @ApiPropertyOptional(LIST)
  @IsOptional()
  @IsString()
  @Length(1, 2000)
  EQ_readPoint?: string;

  @ApiPropertyOptional({
    ...LIST,
    description: 'EPC URNs or Digital Link URIs; matches epcList, childEPCs, parentID, inputs, outputs',
  })
  @IsOptional()
  @IsString()
  @Length(1, 20000)
  MATCH_epc?: string;

  @ApiPropertyOptional({ example: '2027-01-01T00:00:00Z' })
  @IsOptional()
  @IsISO8601({ strict: true })
  GE_eventTime?: string;

  @ApiPropertyOptional({ example: '2027-02-01T00:00:00Z' })
  @IsOptional()
  @IsISO8601({ strict: true })
  LT_eventTime?: string;

  @ApiPropertyOptional({ description: 'the token of the previous page’s Link header' })
  @IsOptional()
  @Matches(/^[0-9]{1,19}$/, { message: 'nextPageToken is the opaque token of a previous answer' })
  nextPageToken?: string;
}

export class ReconciliationQueryDto {
  @ApiPropertyOptional({
    description: 'the business transaction id as captured',
    example: 'urn:epcglobal:cbv:bt:9521234000006:DA-1',
  })
  @IsString()
  @Length(1, 500)
  bizTransaction!: string;
}

/** A browse list's page: its size, and the token of the previous page's Link header. */
export class BrowseQueryDto extends PageSizeDto {
  @ApiPropertyOptional({ description: 'the token of the previous page’s Link header' })
  @IsOptional()
  @IsString()
  @Length(1, 2000)
  nextPageToken?: string;
}
