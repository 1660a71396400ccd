import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';

export class RunMatchDto {
  @ApiProperty({ example: 'OR-ABCDEFGH23' })
  @Matches(/^OR-[A-Z0-9]{10}$/, { message: 'organId: an organ id (OR-…)' })
  organId!: string;

  @ApiPropertyOptional({ description: 'the policy version; the current one when absent' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  policyVersion?: string;
}
