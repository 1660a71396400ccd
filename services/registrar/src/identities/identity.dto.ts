import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEthAddress } from '@uhr/platform';
import { Type } from 'class-transformer';
import { IsIn, IsOptional, IsString, IsUUID, Length, Matches, ValidateNested } from 'class-validator';
import { IDENTITY_KINDS, type IdentityKind } from './domain/identity.js';

/** Identifier systems a registrar may vouch for (FHIR Identifier.system, short names). */
export const IDENTIFIER_SYSTEMS = [
  'national-id',
  'passport',
  'medical-licence',
  'pharmacy-licence',
  'organisation-id',
] as const;

export class IdentifierDto {
  @ApiProperty({ enum: IDENTIFIER_SYSTEMS, example: 'national-id' })
  @IsIn(IDENTIFIER_SYSTEMS)
  system!: string;

  @ApiProperty({ example: 'AB-123456-C', description: 'kept only as a keyed hash' })
  @IsString()
  @Length(3, 64)
  @Matches(/^[\p{L}\p{N} .\-/]+$/u, { message: 'value may hold letters, digits, spaces and . - /' })
  value!: string;
}

export class RegisterIdentityDto {
  @ApiProperty({ enum: IDENTITY_KINDS })
  @IsIn(IDENTITY_KINDS)
  kind!: IdentityKind;

  @ApiProperty({ type: IdentifierDto })
  @ValidateNested()
  @Type(() => IdentifierDto)
  identifier!: IdentifierDto;

  @ApiProperty({ example: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8' })
  @IsEthAddress()
  address!: string;

  @ApiPropertyOptional({ description: 'Keycloak user id (sub) of the person who signs in as this identity' })
  @IsOptional()
  @IsUUID()
  subject?: string;
}

export class EditIdentityDto {
  @ApiProperty({ enum: IDENTITY_KINDS })
  @IsIn(IDENTITY_KINDS)
  kind!: IdentityKind;

  @ApiProperty({ type: IdentifierDto })
  @ValidateNested()
  @Type(() => IdentifierDto)
  identifier!: IdentifierDto;
}

export class RetireIdentityDto {
  @ApiProperty({ example: 'deceased' })
  @IsString()
  @Length(3, 200)
  reason!: string;
}

export class RebindIdentityDto {
  @ApiProperty()
  @IsEthAddress()
  newAddress!: string;

  @ApiProperty({ example: 'key lost; identity re-verified in person' })
  @IsString()
  @Length(3, 200)
  reason!: string;
}

export class FindIdentityDto {
  @ApiProperty({ type: IdentifierDto })
  @ValidateNested()
  @Type(() => IdentifierDto)
  identifier!: IdentifierDto;
}
