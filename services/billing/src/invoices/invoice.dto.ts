import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsISO8601,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Min,
  ValidateNested,
} from 'class-validator';

const DECIMAL = /^-?\d{1,15}(\.\d{1,5})?$/;
const decimalMessage = (f: string) => ({ message: `${f} must be a decimal string such as "10" or "2.50"` });

export class DeviceDetailsDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 64) batch?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 128) brand?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 128) maker?: string;
}

export class InvoiceLineDto {
  @ApiPropertyOptional({ description: 'schedule entry code (or give gtin)' })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  code?: string;

  @ApiPropertyOptional({ description: 'pack barcode (GTIN-14); quantity and prices are then per pack' })
  @IsOptional()
  @Matches(/^\d{14}$/, { message: 'gtin must be 14 digits' })
  gtin?: string;

  @ApiPropertyOptional() @IsOptional() @IsString() @Length(0, 200) description?: string;

  @ApiProperty({
    example: '10',
    description: 'in regulated units, or packs with a gtin (may be refused as INVALID_QUANTITY)',
  })
  @Matches(DECIMAL, decimalMessage('quantity'))
  quantity!: string;

  @ApiProperty({ example: '2.00', description: 'net of tax, per line unit' })
  @Matches(/^\d{1,15}(\.\d{1,5})?$/, decimalMessage('unitPrice'))
  unitPrice!: string;

  @ApiProperty({ example: '12', description: 'percent' })
  @Matches(/^\d{1,3}(\.\d{1,3})?$/, { message: 'taxRate must be a percent such as "12"' })
  taxRate!: string;

  @ApiPropertyOptional({ description: 'MRP printed on the pack, tax included, per line unit' })
  @IsOptional()
  @Matches(/^\d{1,15}(\.\d{1,5})?$/, decimalMessage('labelMrp'))
  labelMrp?: string;

  @ApiPropertyOptional({ type: DeviceDetailsDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => DeviceDetailsDto)
  device?: DeviceDetailsDto;
}

export class InvoiceLinesDto {
  @ApiProperty({ type: [InvoiceLineDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(500)
  @ValidateNested({ each: true })
  @Type(() => InvoiceLineDto)
  lines!: InvoiceLineDto[];
}

export class DraftInvoiceDto extends InvoiceLinesDto {
  @ApiProperty({ description: 'registrar identity id of the patient' })
  @IsUUID()
  patientId!: string;

  @ApiProperty({ example: 'INR' })
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be an ISO 4217 code' })
  currency!: string;

  @ApiProperty({
    example: '2025-06-01T10:30:00+05:30',
    description: 'the date of supply: the price in force then applies',
  })
  @IsISO8601({ strict: true })
  invoicedAt!: string;

  @ApiPropertyOptional({ example: 'billing', description: 'the consent category an insurer needs a grant for' })
  @IsOptional()
  @Matches(/^[a-z][a-z0-9-]{1,31}$/, { message: 'category must be a lowercase code' })
  category?: string;
}

export class LineCorrectionDto {
  @ApiProperty() @IsInt() @Min(1) line!: number;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 64) code?: string;
  @ApiPropertyOptional() @IsOptional() @Matches(/^\d{14}$/, { message: 'gtin must be 14 digits' }) gtin?: string;
  @ApiPropertyOptional() @IsOptional() @Matches(/^\d{1,15}(\.\d{1,5})?$/, decimalMessage('labelMrp')) labelMrp?: string;
}

export class FlagOverchargeDto {
  @ApiProperty() @IsString() @Length(1, 1000) reason!: string;

  @ApiPropertyOptional({ type: [LineCorrectionDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(500)
  @ValidateNested({ each: true })
  @Type(() => LineCorrectionDto)
  corrections?: LineCorrectionDto[];
}

export class VerifyInvoiceDto {
  @ApiProperty() @IsUUID() invoiceId!: string;
  @ApiProperty({ description: 'the salt from the QR payload' })
  @Matches(/^[0-9a-f]{32}$/, { message: 'salt must be 32 hex digits' })
  salt!: string;
}
