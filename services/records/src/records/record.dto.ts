import { ApiProperty, ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBase64,
  IsBoolean,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  ValidateNested,
} from 'class-validator';
import { FILE_CONTENT_TYPES } from './domain/fhir.js';
import { RECORD_CATEGORIES, type RecordCategory } from './domain/record.js';

const UINT = /^[0-9]{1,30}$/;
/** A uint256 in decimal: signatures carry random nonces of up to 256 bits. */
const NONCE = /^[0-9]{1,78}$/;
const SIGNATURE = /^0x[0-9a-fA-F]{130}$/;
const SALT = /^0x[0-9a-fA-F]{64}$/;

export class FileDto {
  @ApiProperty({ enum: FILE_CONTENT_TYPES })
  @IsIn(FILE_CONTENT_TYPES)
  contentType!: string;

  @ApiProperty({ description: 'the file, base64' })
  @IsBase64()
  data!: string;
}

export class SignatureDto {
  @ApiProperty({ description: 'the nonce the message was signed with (decimal)' })
  @Matches(NONCE, { message: 'nonce must be a decimal integer' })
  nonce!: string;

  @ApiProperty({ description: 'unix seconds (decimal)' })
  @Matches(UINT, { message: 'deadline must be a decimal integer' })
  deadline!: string;

  @ApiProperty({ description: '65-byte EIP-712 signature, 0x hex' })
  @Matches(SIGNATURE, { message: 'signature must be a 65-byte 0x hex signature' })
  signature!: string;
}

export class UploadRecordDto {
  @ApiProperty({ description: 'registrar identity id of the patient' })
  @IsUUID()
  patientId!: string;

  @ApiPropertyOptional({ description: 'your provider identity id, when several are bound to your login' })
  @IsOptional()
  @IsUUID()
  providerId?: string;

  @ApiProperty({ enum: RECORD_CATEGORIES })
  @IsIn(RECORD_CATEGORIES)
  category!: RecordCategory;

  @ApiProperty({ example: 'Full blood count' })
  @IsString()
  @Length(1, 200)
  title!: string;

  @ApiPropertyOptional({
    description:
      'a FHIR R4 resource (Observation, DiagnosticReport, Condition, MedicationStatement, MedicationRequest, ' +
      'AllergyIntolerance, Immunization, Procedure, Encounter, DocumentReference), valid R4 (ADR 0018), whose ' +
      '`subject` (`patient` for Immunization and AllergyIntolerance) is Patient/<patientId>',
  })
  @IsOptional()
  @IsObject()
  fhir?: Record<string, unknown>;

  @ApiPropertyOptional({ type: FileDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => FileDto)
  file?: FileDto;

  @ApiPropertyOptional({
    description:
      'your id for the record (UUID): a retry with the same id, salt and content answers the record already ' +
      'stored (200); another content under a taken id is 409 RecordIdTaken',
  })
  @IsOptional()
  @IsUUID()
  recordId?: string;

  @ApiPropertyOptional({
    description:
      '0x + 32 random bytes, hex. The content hash is keccak256(salt ‖ body), body = the FHIR resource as RFC 8785 ' +
      'canonical JSON (UTF-8) or the file bytes; drawn by the service when absent',
  })
  @IsOptional()
  @Matches(SALT, { message: 'salt must be 0x followed by 64 hex digits' })
  salt?: string;

  @ApiPropertyOptional({
    type: SignatureDto,
    description:
      'the AddRecord signature (Relationships domain) over providerId, patientId, recordId, contentHash, ' +
      'pointerHash, nonce, deadline — made before uploading: one request stores and queues the record (202)',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => SignatureDto)
  anchor?: SignatureDto;
}

export class RespondDto extends SignatureDto {
  @ApiProperty()
  @IsBoolean()
  accept!: boolean;
}

export class UploadRecordsDto {
  @ApiProperty({ type: [UploadRecordDto], description: '1 to 200 records' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => UploadRecordDto)
  records!: UploadRecordDto[];
}

export class AnchorManyDto extends SignatureDto {
  @ApiProperty({ type: [String], description: 'exactly the records the AddRecords message lists, in its order' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  recordIds!: string[];
}

export class ResponsesRequestDto {
  @ApiProperty({ type: [String], description: 'the records to answer (1 to 500, all of one patient: you)' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(500)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  recordIds!: string[];

  @ApiProperty()
  @IsBoolean()
  accept!: boolean;
}

/** The signed answer: the RespondToRecords fields plus the signature over exactly that list. */
export class RespondManyDto extends IntersectionType(SignatureDto, ResponsesRequestDto) {}
