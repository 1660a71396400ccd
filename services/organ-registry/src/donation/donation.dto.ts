import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsBase64,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { DONOR_ABO, type DonorAbo } from '../matching/domain/abo.js';
import { ORGAN_TYPES, type OrganType } from '../matching/domain/policy.js';
import { GeoDto, HlaDto } from '../shared/clinical.dto.js';
import { LATERALITIES, type Laterality } from './domain/organ.js';

/** Who the donor is: stored encrypted, shown to no one but the organ bank. */
export class DonorIdentityDto {
  @ApiProperty()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name!: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(64)
  nationalId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsISO8601({ strict: true })
  dateOfBirth?: string;
}

export class ConsentDocumentDto {
  @ApiProperty({ example: 'application/pdf' })
  @Matches(/^[a-z]+\/[a-z0-9.+-]+$/, { message: 'mediaType: a MIME type' })
  mediaType!: string;

  @ApiProperty({ description: 'the signed consent document, base64' })
  @IsBase64()
  @MaxLength(7_000_000)
  contentBase64!: string;
}

export class RegisterDonorDto {
  @ApiProperty({ enum: ['deceased', 'living'] })
  @IsIn(['deceased', 'living'])
  kind!: 'deceased' | 'living';

  @ApiProperty({ type: DonorIdentityDto })
  @ValidateNested()
  @Type(() => DonorIdentityDto)
  identity!: DonorIdentityDto;

  @ApiProperty({ type: ConsentDocumentDto })
  @ValidateNested()
  @Type(() => ConsentDocumentDto)
  consent!: ConsentDocumentDto;
}

export class HospitalDto {
  @ApiProperty()
  @Matches(/^[A-Za-z0-9._-]{1,64}$/, { message: 'id: 1–64 letters, digits, ".", "_" or "-"' })
  id!: string;

  @ApiProperty()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name!: string;

  @ApiProperty({ type: GeoDto })
  @ValidateNested()
  @Type(() => GeoDto)
  location!: GeoDto;
}

export class RecordOrganDto {
  @ApiProperty()
  @Matches(/^DN-[A-Z0-9]{10}$/, { message: 'donorId: an opaque donor id (DN-…)' })
  donorId!: string;

  @ApiProperty({ enum: ORGAN_TYPES })
  @IsIn(ORGAN_TYPES)
  type!: OrganType;

  @ApiProperty({ enum: LATERALITIES })
  @IsIn(LATERALITIES)
  laterality!: Laterality;

  @ApiProperty({ enum: DONOR_ABO })
  @IsIn(DONOR_ABO)
  abo!: DonorAbo;

  @ApiProperty({ type: HlaDto })
  @ValidateNested()
  @Type(() => HlaDto)
  hla!: HlaDto;

  @ApiProperty()
  @IsISO8601({ strict: true })
  crossClampAt!: string;

  @ApiPropertyOptional({ minimum: 0, maximum: 100 })
  @IsOptional()
  @IsInt()
  kdpi?: number;

  @ApiProperty({ type: HospitalDto })
  @ValidateNested()
  @Type(() => HospitalDto)
  procurementHospital!: HospitalDto;
}

export class RecordArrivalDto {
  @ApiProperty()
  @IsISO8601({ strict: true })
  arrivedAt!: string;
}
