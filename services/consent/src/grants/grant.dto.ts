import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PURPOSE_PATTERN } from '@uhr/contracts';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  Min,
} from 'class-validator';
import {
  BREAK_GLASS_REASONS,
  MAX_BREAK_GLASS_SECONDS,
  type BreakGlassReason,
} from '../break-glass/domain/break-glass.js';

const UINT = /^[0-9]{1,30}$/;
/** A uint256 in decimal: signatures carry random nonces of up to 256 bits. */
const NONCE = /^[0-9]{1,78}$/;
const SIGNATURE = /^0x[0-9a-fA-F]{130}$/;
export const CATEGORIES = [
  'laboratory',
  'imaging',
  'medication',
  'clinical-note',
  'immunization',
  'allergy',
  'vital-signs',
  'document',
  // services/billing: invoices, for an insurer adjudicating a claim.
  'billing',
] as const;
const PURPOSE = PURPOSE_PATTERN;
/** The three fields every signed command carries, as the `…/prepare` call returned them. */
const NONCE_DOC = { description: 'the nonce from the prepare call (decimal, up to uint256)' };
const DEADLINE_DOC = { description: 'the deadline from the prepare call (unix seconds, decimal)' };
const SIGNATURE_DOC = {
  description: 'the EIP-712 signature of `toSign` by the signer’s registered key (65 bytes, 0x hex)',
};

export class GrantTermsDto {
  @ApiProperty({ description: 'registrar identity id of the patient: your own' }) @IsUUID() patientId!: string;
  @ApiProperty({ description: 'registrar identity id of the grantee' }) @IsUUID() granteeId!: string;

  @ApiProperty({ type: [String], description: 'records the grant covers (with categories: 1 to 64 in all)' })
  @IsArray()
  @ArrayMaxSize(64)
  @IsUUID('all', { each: true })
  recordIds!: string[];

  @ApiProperty({ enum: CATEGORIES, isArray: true, description: 'record categories the grant covers' })
  @IsArray()
  @ArrayMaxSize(64)
  @IsIn(CATEGORIES, { each: true })
  categories!: string[];

  @ApiProperty({ example: 'treatment', description: 'why the grantee may read (a lowercase code)' })
  @Matches(PURPOSE, { message: 'purpose is a lowercase code, e.g. treatment, dispensing, billing' })
  purpose!: string;

  @ApiProperty({ description: 'unix seconds' }) @IsInt() @Min(0) @Max(2 ** 40) validFrom!: number;
  @ApiProperty({ description: 'unix seconds' }) @IsInt() @Min(1) @Max(2 ** 40) validUntil!: number;
  @ApiProperty({ description: '0 = unlimited, 1 = one-time' }) @IsInt() @Min(0) @Max(1_000_000) maxUses!: number;
}

export class SignedDto {
  @ApiProperty(NONCE_DOC) @Matches(NONCE, { message: 'nonce must be a decimal integer' }) nonce!: string;
  @ApiProperty(DEADLINE_DOC) @Matches(UINT, { message: 'deadline must be a decimal integer' }) deadline!: string;
  @ApiProperty(SIGNATURE_DOC)
  @Matches(SIGNATURE, { message: 'signature must be a 65-byte 0x hex signature' })
  signature!: string;
}

export class IssueGrantDto extends GrantTermsDto {
  @ApiProperty({ description: 'from POST /grants/prepare' }) @IsUUID() grantId!: string;
  @ApiProperty(NONCE_DOC) @Matches(NONCE, { message: 'nonce must be a decimal integer' }) nonce!: string;
  @ApiProperty(DEADLINE_DOC) @Matches(UINT, { message: 'deadline must be a decimal integer' }) deadline!: string;
  @ApiProperty(SIGNATURE_DOC)
  @Matches(SIGNATURE, { message: 'signature must be a 65-byte 0x hex signature' })
  signature!: string;
  @ApiPropertyOptional({ description: 'the access request this grant answers' })
  @IsOptional()
  @IsUUID()
  accessRequestId?: string;
}

export class AccessRequestDto {
  @ApiProperty({ description: 'registrar identity id of the patient asked' }) @IsUUID() patientId!: string;
  @ApiPropertyOptional({ description: 'your identity id, when several are bound to your login' })
  @IsOptional()
  @IsUUID()
  requesterId?: string;
  @ApiProperty({ example: 'dispensing', description: 'why you ask (a lowercase code)' })
  @Matches(PURPOSE, { message: 'purpose is a lowercase code' })
  purpose!: string;
  @ApiProperty({ type: [String], description: 'records asked for (with categories: at least one in all)' })
  @IsArray()
  @ArrayMaxSize(64)
  @IsUUID('all', { each: true })
  recordIds!: string[];
  @ApiProperty({ enum: CATEGORIES, isArray: true, description: 'record categories asked for' })
  @IsArray()
  @ArrayMaxSize(64)
  @IsIn(CATEGORIES, { each: true })
  categories!: string[];
}

export class DenyAccessRequestDto {
  @ApiProperty({ example: 'not needed for my care', description: 'shown to the requester' })
  @IsString()
  @Length(1, 200)
  reason!: string;
}

export class BreakGlassTermsDto {
  @ApiProperty({ description: 'registrar identity id of the provider: your own' }) @IsUUID() providerId!: string;
  @ApiProperty({ description: 'registrar identity id of the patient' }) @IsUUID() patientId!: string;
  @ApiProperty({ enum: BREAK_GLASS_REASONS, description: 'the emergency, from a closed list (signed, on-chain)' })
  @IsIn(BREAK_GLASS_REASONS)
  reasonCode!: BreakGlassReason;
  @ApiProperty({ description: `seconds, at most ${MAX_BREAK_GLASS_SECONDS}` })
  @IsInt()
  @Min(60)
  @Max(MAX_BREAK_GLASS_SECONDS)
  durationSeconds!: number;
}

export class BreakGlassDto extends BreakGlassTermsDto {
  @ApiProperty({
    description: 'free-text justification, kept for the audit',
    example: 'patient unconscious in A&E, suspected overdose',
  })
  @IsString()
  @Length(10, 500)
  reason!: string;
  @ApiProperty(NONCE_DOC) @Matches(NONCE, { message: 'nonce must be a decimal integer' }) nonce!: string;
  @ApiProperty(DEADLINE_DOC) @Matches(UINT, { message: 'deadline must be a decimal integer' }) deadline!: string;
  @ApiProperty(SIGNATURE_DOC)
  @Matches(SIGNATURE, { message: 'signature must be a 65-byte 0x hex signature' })
  signature!: string;
}
