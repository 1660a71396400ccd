import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsOptional,
  IsString,
  Matches,
  ValidateNested,
  registerDecorator,
  type ValidationOptions,
} from 'class-validator';
import { EVENT_TYPES, MUTABLE_TYPES, SAFETY_TYPES } from '../catalogue/domain/catalogue.js';
import { HHMM, isTimeZone } from './domain/preferences.js';

function IsIanaTimeZone(options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isIanaTimeZone',
      target: target.constructor,
      propertyName,
      options: { message: `${propertyName} must be an IANA time zone such as Europe/Paris`, ...options },
      validator: { validate: (v: unknown) => typeof v === 'string' && isTimeZone(v) },
    });
}

/** Safety alerts are refused by name, so a client learns why rather than seeing its mute silently ignored. */
function IsMutableType(options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isMutableType',
      target: target.constructor,
      propertyName,
      options: {
        each: true,
        // With `each`, the message sees the whole array: name the safety alerts in it, if any.
        message: (a) =>
          (Array.isArray(a.value) ? a.value : [a.value]).some((v) => SAFETY_TYPES.includes(v as never))
            ? `${SAFETY_TYPES.join(' and ')} are safety alerts and cannot be muted`
            : `each value in ${propertyName} must be one of: ${EVENT_TYPES.join(', ')}`,
        ...options,
      },
      validator: { validate: (v: unknown) => typeof v === 'string' && MUTABLE_TYPES.includes(v as never) },
    });
}

const hhmm = { message: 'must be a 24-hour time HH:MM' };

export class QuietHoursDto {
  @ApiProperty({ example: '22:00' })
  @Matches(HHMM, hhmm)
  start!: string;

  @ApiProperty({ example: '07:00' })
  @Matches(HHMM, hhmm)
  end!: string;

  @ApiProperty({ example: 'Europe/Paris' })
  @IsString()
  @IsIanaTimeZone()
  timezone!: string;
}

export class DigestDto {
  @ApiProperty()
  @IsBoolean()
  daily!: boolean;

  @ApiProperty({ example: '08:00' })
  @Matches(HHMM, hhmm)
  at!: string;

  @ApiProperty({ example: 'Europe/Paris' })
  @IsString()
  @IsIanaTimeZone()
  timezone!: string;
}

export class PreferencesDto {
  @ApiProperty({ enum: MUTABLE_TYPES, isArray: true, description: 'safety alerts cannot be muted' })
  @IsArray()
  @ArrayMaxSize(100)
  @IsMutableType()
  mutedTypes!: string[];

  @ApiPropertyOptional({ type: QuietHoursDto, nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => QuietHoursDto)
  quietHours?: QuietHoursDto | null;

  @ApiProperty({ type: DigestDto })
  @ValidateNested()
  @Type(() => DigestDto)
  digest!: DigestDto;
}
