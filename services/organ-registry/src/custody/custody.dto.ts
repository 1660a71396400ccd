import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Matches, MaxLength, Min, ValidateNested } from 'class-validator';
import { DONOR_ABO, type DonorAbo } from '../matching/domain/abo.js';
import { LATERALITIES, type Laterality } from '../donation/domain/organ.js';
import { STAGES, type StageName } from './domain/custody.js';

const SIGNATURE = /^0x[0-9a-fA-F]{130}$/;

export class StartCustodyDto {
  @ApiProperty({ description: 'the procuring party: a registrar identity id (provider or third party)' })
  @IsUUID()
  custodianId!: string;
}

export class ObservedLabelDto {
  @ApiProperty({ enum: LATERALITIES })
  @IsIn(LATERALITIES)
  laterality!: Laterality;

  @ApiProperty({ enum: DONOR_ABO })
  @IsIn(DONOR_ABO)
  abo!: DonorAbo;
}

export class PrepareHandOffDto {
  @ApiProperty({ enum: STAGES })
  @IsIn(STAGES)
  stage!: StageName;

  @ApiProperty({ description: 'the releasing party (registrar identity id)' })
  @IsUUID()
  fromId!: string;

  @ApiProperty({ description: 'the receiving party (registrar identity id)' })
  @IsUUID()
  toId!: string;

  @ApiPropertyOptional({ type: ObservedLabelDto, description: 'at check-in: what the label says' })
  @IsOptional()
  @ValidateNested()
  @Type(() => ObservedLabelDto)
  observed?: ObservedLabelDto;
}

export class HandOffDto extends PrepareHandOffDto {
  @ApiProperty({ description: 'the nonce of the prepared message (decimal)' })
  @Matches(/^[0-9]{1,78}$/, { message: 'nonce: a decimal integer' })
  nonce!: string;

  @ApiProperty({ description: 'unix seconds' })
  @IsInt()
  @Min(0)
  deadline!: number;

  @ApiPropertyOptional({ description: "the releasing party's EIP-712 signature; absent = a custody gap" })
  @IsOptional()
  @Matches(SIGNATURE, { message: 'fromSignature: a 65-byte hex signature' })
  fromSignature?: string;

  @ApiPropertyOptional({ description: "the receiving party's EIP-712 signature; absent = a custody gap" })
  @IsOptional()
  @Matches(SIGNATURE, { message: 'toSignature: a 65-byte hex signature' })
  toSignature?: string;
}

export class ReconcileDto {
  @ApiProperty()
  @IsUUID()
  clinicianA!: string;

  @ApiProperty()
  @IsUUID()
  clinicianB!: string;

  @ApiProperty({ description: 'what the two clinicians established (hashed into the signed message)' })
  @IsString()
  @MaxLength(2000)
  resolution!: string;

  @ApiProperty()
  @Matches(/^[0-9]{1,78}$/, { message: 'nonce: a decimal integer' })
  nonce!: string;

  @ApiProperty()
  @IsInt()
  @Min(0)
  deadline!: number;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(SIGNATURE, { message: 'signatureA: a 65-byte hex signature' })
  signatureA?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(SIGNATURE, { message: 'signatureB: a 65-byte hex signature' })
  signatureB?: string;
}
