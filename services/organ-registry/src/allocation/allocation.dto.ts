import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { REFUSAL_CODES } from './use-cases/allocate-organ.use-case.js';

const CANDIDATE_ID = /^[A-Za-z0-9._-]{1,64}$/;

export class DeclineOfferDto {
  @ApiProperty({ enum: REFUSAL_CODES })
  @IsIn(REFUSAL_CODES)
  code!: string;
}

export class BypassDto {
  @ApiProperty()
  @Matches(CANDIDATE_ID, { message: 'candidateId: a candidate id' })
  candidateId!: string;

  @ApiPropertyOptional({
    description: 'an HRSA bypass code (861, 862, 863, 887, 799); without one the bypass is flagged',
  })
  @IsOptional()
  @IsString()
  @MaxLength(8)
  code?: string;
}

export class RecordTransplantDto {
  @ApiProperty()
  @Matches(CANDIDATE_ID, { message: 'candidateId: a candidate id' })
  candidateId!: string;
}
