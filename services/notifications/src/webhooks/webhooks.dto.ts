import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  IsUUID,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { EVENT_TYPES } from '../catalogue/domain/catalogue.js';
import { DELIVERY_STATUSES, type DeliveryStatus } from './webhooks.repository.js';

export class RegisterWebhookDto {
  @ApiProperty({ example: 'https://his.hospital.example/uhr/callbacks' })
  @IsString()
  @MaxLength(2000)
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false })
  url!: string;

  @ApiPropertyOptional({ enum: EVENT_TYPES, isArray: true, description: 'empty or absent: every type' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsIn(EVENT_TYPES, { each: true })
  eventTypes?: string[];

  @ApiPropertyOptional({ description: 'admins only: the organisation account (Keycloak subject) it belongs to' })
  @IsOptional()
  @IsUUID()
  ownerSubject?: string;
}

export class DeliveriesQueryDto {
  @ApiPropertyOptional({ enum: DELIVERY_STATUSES })
  @IsOptional()
  @IsIn(DELIVERY_STATUSES)
  status?: DeliveryStatus;

  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;
}
