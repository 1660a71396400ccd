import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBase64,
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  ValidateNested,
} from 'class-validator';
import { REGIMES, REGULATED_UNITS } from '../pricing/domain/schedule.js';
import { IMPORT_FORMATS } from './import/official-list.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const AMOUNT_TEXT = /^[₹A-Za-z. ]{0,4}[0-9][0-9,]{0,24}(\.[0-9]{1,10})?$/;

/** The header every publication carries (JSON or imported file). */
export class ScheduleHeaderDto {
  @ApiProperty({ example: 'S.O. 1488(E)' })
  @IsString()
  @Length(1, 200)
  instrument!: string;

  @ApiProperty({ example: 'Asia/Kolkata' })
  @IsString()
  @Length(1, 64)
  timeZone!: string;

  @ApiProperty({ example: 'INR' })
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be an ISO 4217 code' })
  currency!: string;

  @ApiProperty({ example: '2025-04-01', description: 'first day in force, in the regulator zone' })
  @Matches(DATE, { message: 'effectiveFrom must be YYYY-MM-DD' })
  effectiveFrom!: string;

  @ApiPropertyOptional({ example: '2026-04-01', description: 'first day no longer in force (exclusive)' })
  @IsOptional()
  @Matches(DATE, { message: 'effectiveTo must be YYYY-MM-DD' })
  effectiveTo?: string;

  @ApiProperty({ example: '15', description: 'annual simple interest on recovered overcharges, percent' })
  @Matches(/^\d{1,3}(\.\d{1,4})?$/, { message: 'recoveryInterestRate must be a percent such as "15"' })
  recoveryInterestRate!: string;

  @ApiPropertyOptional({ description: 'the version this one replaces from effectiveFrom on' })
  @IsOptional()
  @IsUUID()
  supersedes?: string;
}

export class ScheduleEntryDto {
  @ApiProperty() @IsString() @Length(1, 64) code!: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(0, 500) description?: string;
  @ApiProperty({ enum: REGULATED_UNITS }) @IsIn(REGULATED_UNITS) unit!: string;

  @ApiProperty({ example: '0.17935', description: 'ceiling per regulated unit, a decimal string (grouping allowed)' })
  @Matches(AMOUNT_TEXT, { message: 'ceilingPerUnit must be a decimal string' })
  ceilingPerUnit!: string;

  @ApiProperty() @IsBoolean() taxInclusive!: boolean;
  @ApiProperty({ example: '12' })
  @Matches(/^\d{1,3}(\.\d{1,3})?$/, { message: 'taxRate must be a percent' })
  taxRate!: string;
  @ApiProperty({ enum: REGIMES }) @IsIn(REGIMES) regime!: string;
  @ApiProperty() @IsBoolean() deviceDetailsRequired!: boolean;
  @ApiPropertyOptional() @IsOptional() @Matches(/^\d{14}$/, { message: 'gtin must be 14 digits' }) gtin?: string;
  @ApiPropertyOptional()
  @IsOptional()
  @Matches(/^\d{1,12}(\.\d{1,5})?$/, { message: 'unitsPerPack must be a decimal' })
  unitsPerPack?: string;
}

export class PublishScheduleDto extends ScheduleHeaderDto {
  @ApiProperty({ type: [ScheduleEntryDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(10_000)
  @ValidateNested({ each: true })
  @Type(() => ScheduleEntryDto)
  entries!: ScheduleEntryDto[];
}

export class ImportScheduleDto extends ScheduleHeaderDto {
  @ApiProperty({ enum: IMPORT_FORMATS }) @IsIn(IMPORT_FORMATS) format!: 'csv' | 'xlsx';

  @ApiProperty({ description: 'the official list file, base64 (CSV or XLSX with a header row)' })
  @IsBase64()
  content!: string;
}
