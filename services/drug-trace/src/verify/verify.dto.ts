import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  ValidateNested,
} from 'class-validator';
import { INACTIVE_STATES, type InactiveState } from '../packs/domain/pack.js';

export class PackIdentityDto {
  @ApiProperty({ example: '09521234543213' })
  @Matches(/^\d{14}$/, { message: 'gtin must be 14 digits' })
  gtin!: string;

  @ApiProperty({ example: 'SN0001' })
  @IsString()
  @Length(1, 20)
  serial!: string;

  @ApiPropertyOptional({ example: 'LOT42' })
  @IsOptional()
  @IsString()
  @Length(1, 20)
  lot?: string;

  @ApiPropertyOptional({ description: 'YYYY-MM-DD', example: '2028-12-31' })
  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'expiry must be YYYY-MM-DD' })
  expiry?: string;
}

/** One pack: what the scanner sent (any GS1 form), or an identity already parsed. */
export class VerifyItemDto {
  @ApiPropertyOptional({ description: 'the raw scan: element string with GS, bracketed HRI, or Digital Link' })
  @IsOptional()
  @IsString()
  @Length(1, 512)
  scan?: string;

  @ApiPropertyOptional({ type: PackIdentityDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => PackIdentityDto)
  identity?: PackIdentityDto;
}

export class VerifyDto extends VerifyItemDto {
  @ApiPropertyOptional({ description: 'the site (GLN) scanning; one of yours', example: '9521234000020' })
  @IsOptional()
  @Matches(/^\d{13}$/, { message: 'location must be a 13-digit GLN' })
  location?: string;
}

export class BulkVerifyDto {
  @ApiProperty({ type: [VerifyItemDto], maxItems: 1000 })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => VerifyItemDto)
  items!: VerifyItemDto[];

  @ApiPropertyOptional({ example: '9521234000020' })
  @IsOptional()
  @Matches(/^\d{13}$/, { message: 'location must be a 13-digit GLN' })
  location?: string;
}

export class DecommissionDto extends VerifyItemDto {
  @ApiProperty({ enum: INACTIVE_STATES, description: 'supplied = dispensed to a patient' })
  @IsIn(INACTIVE_STATES)
  to!: InactiveState;

  @ApiProperty({ description: 'your site (GLN) where this happens', example: '9521234000020' })
  @Matches(/^\d{13}$/, { message: 'location must be a 13-digit GLN' })
  location!: string;

  @ApiPropertyOptional({ description: 'the patient’s UHR identity id (dispensing a controlled drug); never a name' })
  @IsOptional()
  @IsUUID()
  patient?: string;

  @ApiPropertyOptional({ description: 'Keycloak subject of the prescriber (told of controlled-drug abuse alerts)' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  prescriber?: string;
}

export class UndoDto extends VerifyItemDto {
  @ApiProperty({ example: '9521234000020' })
  @Matches(/^\d{13}$/, { message: 'location must be a 13-digit GLN' })
  location!: string;
}
