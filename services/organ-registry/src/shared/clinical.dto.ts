import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsNumber,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
} from 'class-validator';

/** One HLA locus: one or two antigen names (one = homozygous), checked against the serological table later. */
const Locus = (name: string) =>
  applyDecorators(
    ApiPropertyOptional({
      description: `${name} antigens (one or two; one = homozygous)`,
      isArray: true,
      type: String,
    }),
    IsOptional(),
    IsArray(),
    ArrayMinSize(1),
    ArrayMaxSize(2),
    IsString({ each: true }),
    MaxLength(12, { each: true }),
  );

/** HLA typing by locus; antigen names are checked against the serological table in the domain. */
export class HlaDto {
  @Locus('A') A?: string[];
  @Locus('B') B?: string[];
  @Locus('C (Cw)') C?: string[];
  @Locus('DR') DR?: string[];
  @Locus('DQ') DQ?: string[];
  @Locus('DP') DP?: string[];
}

export class GeoDto {
  @ApiProperty({ minimum: -90, maximum: 90 })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(-90)
  @Max(90)
  lat!: number;

  @ApiProperty({ minimum: -180, maximum: 180 })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(-180)
  @Max(180)
  lon!: number;
}

/** MELD 3.0 inputs; the physiological ranges are the domain's (meld.ts), so one table holds them. */
export class MeldLabsDto {
  @ApiProperty()
  @IsBoolean()
  female!: boolean;

  @ApiProperty({ description: 'mg/dL' })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  bilirubin!: number;

  @ApiProperty({ description: 'mmol/L' })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  sodium!: number;

  @ApiProperty()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  inr!: number;

  @ApiProperty({ description: 'mg/dL' })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  creatinine!: number;

  @ApiProperty({ description: 'g/dL' })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  albumin!: number;

  @ApiProperty({ description: 'two or more dialyses (or 24 h CVVHD) in the past week' })
  @IsBoolean()
  dialysedTwiceInPastWeek!: boolean;
}
