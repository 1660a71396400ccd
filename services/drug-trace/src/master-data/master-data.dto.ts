import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsIn,
  IsInt,
  IsLatitude,
  IsLongitude,
  IsOptional,
  IsPositive,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
} from 'class-validator';
import { PARTY_ROLES, type PartyRole } from './domain/master-data.js';

const GLN = /^\d{13}$/;

export class RegisterPartyDto {
  @ApiProperty({ description: 'the Keycloak subject (sub) of the party’s login' })
  @IsString()
  @Length(1, 200)
  subject!: string;

  @ApiProperty({ enum: PARTY_ROLES })
  @IsIn(PARTY_ROLES)
  role!: PartyRole;

  @ApiProperty({ example: 'Acme Pharma GmbH' })
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiPropertyOptional({ description: 'the party GLN (AI 417)', example: '9521234000006' })
  @IsOptional()
  @Matches(GLN, { message: 'gln must be 13 digits' })
  gln?: string;
}

export class RegisterManufacturerDto {
  @ApiProperty()
  @IsUUID()
  partyId!: string;

  @ApiProperty({ example: '9521234000006' })
  @Matches(GLN, { message: 'gln must be 13 digits' })
  gln!: string;

  @ApiProperty()
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiProperty({ description: 'GS1 company prefix; its length is the prefix length', example: '9521234' })
  @Matches(/^\d{6,12}$/, { message: 'companyPrefix must be 6 to 12 digits' })
  companyPrefix!: string;
}

export class RegisterProductDto {
  @ApiProperty({ example: '09521234543213' })
  @Matches(/^\d{8}$|^\d{12,14}$/, { message: 'gtin must be 8, 12, 13 or 14 digits' })
  gtin!: string;

  @ApiProperty({ description: 'the manufacturer (GLN) the product belongs to; one of yours' })
  @Matches(GLN, { message: 'manufacturerGln must be 13 digits' })
  manufacturerGln!: string;

  @ApiProperty({ example: 'Paracetamol 500 mg tablets' })
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiProperty({ example: '500 mg' })
  @IsString()
  @Length(1, 100)
  strength!: string;

  @ApiPropertyOptional({ description: 'national code (PZN, CIP, NDC…)' })
  @IsOptional()
  @IsString()
  @Length(1, 40)
  nationalCode?: string;

  @ApiPropertyOptional({ description: 'controlled-substance schedule, absent when not controlled', example: 'II' })
  @IsOptional()
  @IsString()
  @Length(1, 10)
  schedule?: string;

  @ApiPropertyOptional({ description: 'active substance (defaults to the name)', example: 'oxycodone' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  substance?: string;

  @ApiPropertyOptional({
    description: 'regulated units in one pack (tablets, ml, …), for billing by pack',
    example: 20,
  })
  @IsOptional()
  @IsInt()
  @IsPositive()
  @Max(1_000_000)
  unitsPerPack?: number;
}

export class RegisterLocationDto {
  @ApiProperty({ example: '9521234000013' })
  @Matches(GLN, { message: 'gln must be 13 digits' })
  gln!: string;

  @ApiProperty()
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiProperty({ example: 52.52 })
  @IsLatitude()
  latitude!: number;

  @ApiProperty({ example: 13.405 })
  @IsLongitude()
  longitude!: number;
}
