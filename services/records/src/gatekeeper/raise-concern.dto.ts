import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { CONCERN_MESSAGE_MAX } from './domain/access-concern.js';

export class RaiseConcernDto {
  @ApiPropertyOptional({ description: 'what worries you about this access, in your words', maxLength: 2000 })
  @IsOptional()
  @IsString()
  @MaxLength(CONCERN_MESSAGE_MAX)
  message?: string;
}
