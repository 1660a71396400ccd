import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEthAddress } from '@uhr/platform';
import { Type } from 'class-transformer';
import { IsIn, IsOptional, IsString, IsUUID, Length, Matches, ValidateNested } from 'class-validator';
import { IDENTITY_KINDS, type IdentityKind } from './domain/identity.js';

const DISPLAY_NAME = /^[\p{L}\p{N} .,'&()\-/]+$/u;

/** Identifier systems a registrar may vouch for (FHIR Identifier.system, short names). */
export const IDENTIFIER_SYSTEMS = [
  'national-id',
  'passport',
  'medical-licence',
  'pharmacy-licence',
  'organisation-id',
] as const;

export class IdentifierDto {
  @ApiProperty({ enum: IDENTIFIER_SYSTEMS, example: 'national-id', description: 'what kind of identifier it is' })
  @IsIn(IDENTIFIER_SYSTEMS)
  system!: string;

  @ApiProperty({ example: 'AB-123456-C', description: 'the identifier itself; kept only as a keyed hash' })
  @IsString()
  @Length(3, 64)
  @Matches(/^[\p{L}\p{N} .\-/]+$/u, { message: 'value may hold letters, digits, spaces and . - /' })
  value!: string;
}

export class RegisterIdentityDto {
  @ApiProperty({ enum: IDENTITY_KINDS, description: 'who the identity is: a patient, a provider or a third party' })
  @IsIn(IDENTITY_KINDS)
  kind!: IdentityKind;

  @ApiProperty({ type: IdentifierDto, description: 'the identifier the registrar has verified' })
  @ValidateNested()
  @Type(() => IdentifierDto)
  identifier!: IdentifierDto;

  @ApiProperty({
    example: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
    description: 'the Ethereum address that signs for the identity (EIP-55 checksum if mixed case)',
  })
  @IsEthAddress()
  address!: string;

  @ApiPropertyOptional({ description: 'Keycloak user id (sub) of the person who signs in as this identity' })
  @IsOptional()
  @IsUUID()
  subject?: string;

  @ApiPropertyOptional({
    example: 'Central Pharmacy, Harbour Street',
    description:
      'a provider’s or third party’s public name, listed in GET /directory so patients can find it to share ' +
      'with; refused for a patient (422 PatientsAreNotListed)',
  })
  @IsOptional()
  @IsString()
  @Length(2, 120)
  @Matches(DISPLAY_NAME, { message: "displayName may hold letters, digits, spaces and . , ' & ( ) - /" })
  displayName?: string;
}

export class DirectoryQueryDto {
  @ApiProperty({ example: 'central', description: 'part of the name, at least 2 characters' })
  @IsString()
  @Length(2, 60)
  @Matches(DISPLAY_NAME, { message: "q may hold letters, digits, spaces and . , ' & ( ) - /" })
  q!: string;

  @ApiPropertyOptional({ enum: ['provider', 'third-party'], description: 'only this kind' })
  @IsOptional()
  @IsIn(['provider', 'third-party'])
  kind?: 'provider' | 'third-party';
}

export class EditIdentityDto {
  @ApiProperty({ enum: IDENTITY_KINDS, description: 'the corrected kind (or the same)' })
  @IsIn(IDENTITY_KINDS)
  kind!: IdentityKind;

  @ApiProperty({ type: IdentifierDto, description: 'the corrected identifier (or the same)' })
  @ValidateNested()
  @Type(() => IdentifierDto)
  identifier!: IdentifierDto;
}

export class RetireIdentityDto {
  @ApiProperty({ example: 'deceased', description: 'why the identity is retired, kept in its history' })
  @IsString()
  @Length(3, 200)
  reason!: string;
}

export class RebindIdentityDto {
  @ApiProperty({
    example: '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC',
    description: 'the address that signs for the identity from now on (EIP-55 checksum if mixed case)',
  })
  @IsEthAddress()
  newAddress!: string;

  @ApiProperty({
    example: 'key lost; identity re-verified in person',
    description: 'why the key changed, kept in its history',
  })
  @IsString()
  @Length(3, 200)
  reason!: string;
}

export class FindIdentityDto {
  @ApiProperty({ type: IdentifierDto, description: 'the identifier to look up (hashed before the lookup)' })
  @ValidateNested()
  @Type(() => IdentifierDto)
  identifier!: IdentifierDto;
}
