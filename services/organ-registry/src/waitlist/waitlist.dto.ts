import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { BLOOD_GROUPS, type BloodGroup } from '../matching/domain/abo.js';
import type { MatchCandidate } from '../matching/domain/match-run.js';
import { ORGAN_TYPES, type OrganType } from '../matching/domain/policy.js';
import { GeoDto, HlaDto, MeldLabsDto } from '../shared/clinical.dto.js';

/** A candidate's clinical fields as a transplant centre sends them (dates ISO 8601). */
export class CandidateFieldsDto {
  @ApiProperty({ enum: ORGAN_TYPES })
  @IsIn(ORGAN_TYPES)
  organ!: OrganType;

  @ApiProperty({ enum: BLOOD_GROUPS })
  @IsIn(BLOOD_GROUPS)
  abo!: BloodGroup;

  @ApiPropertyOptional({ description: 'B candidates cleared for A2/A2B kidneys (anti-A titer tested)' })
  @IsOptional()
  @IsBoolean()
  a2Eligible?: boolean;

  @ApiProperty({ type: HlaDto })
  @ValidateNested()
  @Type(() => HlaDto)
  hla!: HlaDto;

  @ApiPropertyOptional({ type: [String], description: 'unacceptable antigens (virtual crossmatch)' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(200)
  @IsString({ each: true })
  @MaxLength(12, { each: true })
  unacceptable?: string[];

  @ApiProperty({ minimum: 0, maximum: 100, description: 'calculated PRA, integer %' })
  @IsInt()
  cpra!: number;

  @ApiProperty({ example: '2025-01-01T00:00:00Z' })
  @IsISO8601({ strict: true })
  registeredAt!: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsISO8601({ strict: true })
  dialysisStartAt?: string;

  @ApiPropertyOptional({ description: 'when a GFR ≤ 20 mL/min was first documented' })
  @IsOptional()
  @IsISO8601({ strict: true })
  gfrAtMost20At?: string;

  @ApiProperty()
  @IsBoolean()
  paediatric!: boolean;

  @ApiProperty()
  @IsBoolean()
  priorLivingDonor!: boolean;

  @ApiPropertyOptional({ minimum: 0, maximum: 100 })
  @IsOptional()
  @IsInt()
  epts?: number;

  @ApiProperty({ type: GeoDto, description: 'the transplant centre' })
  @ValidateNested()
  @Type(() => GeoDto)
  location!: GeoDto;

  @ApiPropertyOptional({ enum: ['1A', '1B'] })
  @IsOptional()
  @IsIn(['1A', '1B'])
  liverStatus?: '1A' | '1B';

  @ApiPropertyOptional({ type: MeldLabsDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => MeldLabsDto)
  meldLabs?: MeldLabsDto;

  @ApiPropertyOptional({ minimum: 1, maximum: 6 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(6)
  heartStatus?: 1 | 2 | 3 | 4 | 5 | 6;
}

export class ListCandidateDto extends CandidateFieldsDto {
  @ApiProperty({ example: 'cand-0001', description: "the centre's opaque candidate id (no name, no national id)" })
  @IsString()
  @Matches(/^[A-Za-z0-9._-]{1,64}$/, { message: 'id: 1–64 letters, digits, ".", "_" or "-"' })
  id!: string;
}

const ms = (iso: string | undefined) => (iso === undefined ? undefined : Date.parse(iso));

/** The DTO as the domain's MatchCandidate: dates as epoch ms, absent members left out. */
export function candidateOf(id: string, d: CandidateFieldsDto): MatchCandidate {
  const c: MatchCandidate = {
    id,
    organ: d.organ,
    abo: d.abo,
    a2Eligible: d.a2Eligible ?? false,
    hla: Object.fromEntries(Object.entries(d.hla).filter(([, v]) => v !== undefined)),
    unacceptable: d.unacceptable ?? [],
    cpra: d.cpra,
    registeredAt: Date.parse(d.registeredAt),
    dialysisStartAt: ms(d.dialysisStartAt),
    gfrAtMost20At: ms(d.gfrAtMost20At),
    paediatric: d.paediatric,
    priorLivingDonor: d.priorLivingDonor,
    epts: d.epts,
    location: { lat: d.location.lat, lon: d.location.lon },
    liverStatus: d.liverStatus,
    meldLabs: d.meldLabs && { ...d.meldLabs },
    heartStatus: d.heartStatus,
  };
  return Object.fromEntries(Object.entries(c).filter(([, v]) => v !== undefined)) as unknown as MatchCandidate;
}
