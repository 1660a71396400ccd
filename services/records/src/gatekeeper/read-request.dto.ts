import { PURPOSE_PATTERN } from '@uhr/contracts';
import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, Matches, Max, Min, ValidateNested } from 'class-validator';

const BYTES32 = /^0x[0-9a-fA-F]{64}$/;

export class ReadRequestDto {
  @ApiProperty({ description: 'bytes32 form of the record id' })
  @Matches(BYTES32, { message: 'recordId must be 0x + 64 hex digits' })
  recordId!: string;

  @ApiProperty({ example: 'treatment', description: 'a lowercase code, as grants state it' })
  @Matches(PURPOSE_PATTERN, { message: 'purpose is a lowercase code, e.g. treatment, dispensing, billing' })
  purpose!: string;

  @ApiProperty({ description: 'the grant relied on, or 0x00…00' })
  @Matches(BYTES32, { message: 'grantId must be 0x + 64 hex digits' })
  grantId!: string;

  @ApiProperty({ description: 'random uint256, decimal' })
  @Matches(/^[0-9]{1,78}$/, { message: 'nonce must be a decimal uint256' })
  nonce!: string;

  @ApiProperty({ description: 'unix seconds' })
  @IsInt()
  @Min(0)
  @Max(2 ** 40)
  expiry!: number;
}

export class SignedReadRequestDto {
  @ApiProperty({ type: ReadRequestDto })
  @ValidateNested()
  @Type(() => ReadRequestDto)
  request!: ReadRequestDto;

  @ApiProperty()
  @Matches(/^0x[0-9a-fA-F]{130}$/, { message: 'signature must be a 65-byte 0x hex signature' })
  signature!: string;
}
