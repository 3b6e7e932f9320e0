import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsDefined, IsIn, IsNotEmpty, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import type { ActivityChangeInput, PlanActivityInput } from '../../domain/plan/commands.js';
import { FUNDING_SOURCES, type FundingSource, type PlanActivity, type PlanChanges, type PlanShape } from '../../domain/plan/events.js';
import { fromJson, type MoneyJson } from '../../domain/shared/money.js';
import { MoneyDto } from '../common/money.dto.js';
import { IsBusinessDate, IsEntityId } from '../common/validators.js';

export class PeriodDto {
  @ApiProperty({ example: '2016-01-01' })
  @IsBusinessDate()
  from: string;

  @ApiProperty({ example: '2017-12-31', description: 'on or after `from`' })
  @IsBusinessDate()
  to: string;
}

export class PlanActivityDto {
  @ApiProperty({ example: 'a1', description: 'unique within the plan' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  id: string;

  @ApiProperty({ example: 'Street lighting near schools' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(300)
  title: string;

  @ApiProperty({ example: 'road safety', description: "one of the plan's priorities" })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  priority: string;

  @ApiPropertyOptional({ type: MoneyDto, nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => MoneyDto)
  budget?: MoneyDto | null;

  @ApiProperty({ enum: FUNDING_SOURCES })
  @IsIn(FUNDING_SOURCES)
  fundingSource: FundingSource;
}

export class ActivityChangeDto {
  @ApiProperty({ example: 'a1', description: 'the activity to change' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  id: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(300)
  title?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  priority?: string;

  @ApiPropertyOptional({ type: MoneyDto, nullable: true, description: 'null removes the budget' })
  @IsOptional()
  @ValidateNested()
  @Type(() => MoneyDto)
  budget?: MoneyDto | null;

  @ApiPropertyOptional({ enum: FUNDING_SOURCES })
  @IsOptional()
  @IsIn(FUNDING_SOURCES)
  fundingSource?: FundingSource;
}

export class DraftPlanDto {
  @ApiPropertyOptional({ example: 'plan-nookat-2016', description: 'client-chosen id; the server makes one when absent' })
  @IsOptional()
  @IsEntityId()
  id?: string;

  @ApiProperty()
  @IsEntityId()
  programmeId: string;

  @ApiProperty({ example: 'nookat' })
  @IsEntityId()
  municipalityId: string;

  @ApiProperty({ example: 'Nookat local crime prevention plan 2016-2017' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(300)
  title: string;

  @ApiProperty({ type: PeriodDto })
  @IsDefined()
  @ValidateNested()
  @Type(() => PeriodDto)
  period: PeriodDto;

  @ApiProperty({ type: [String], example: ['road safety', 'domestic violence'], minItems: 1 })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @IsNotEmpty({ each: true })
  @MaxLength(200, { each: true })
  priorities: string[];

  @ApiProperty({ type: [PlanActivityDto] })
  @IsArray()
  @ArrayMaxSize(500)
  @ValidateNested({ each: true })
  @Type(() => PlanActivityDto)
  activities: PlanActivityDto[];
}

export class EndorsePlanDto {
  @ApiProperty({ example: 'Nookat town kenesh' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(300)
  endorsedBy: string;

  @ApiProperty({ example: 'Decision No. 12/3' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  decisionRef: string;

  @ApiProperty({ example: '2016-03-03' })
  @IsBusinessDate()
  endorsedOn: string;
}

export class AmendPlanDto {
  @ApiProperty({ example: 'the 2017 public-safety survey found cattle theft rising' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  reason: string;

  @ApiPropertyOptional({ example: 'Decision No. 20/1', description: 'required once the plan is endorsed' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  decisionRef?: string;

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @IsNotEmpty({ each: true })
  @MaxLength(200, { each: true })
  addPriorities?: string[];

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  removePriorities?: string[];

  @ApiPropertyOptional({ type: [PlanActivityDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(500)
  @ValidateNested({ each: true })
  @Type(() => PlanActivityDto)
  addActivities?: PlanActivityDto[];

  @ApiPropertyOptional({ type: [String], description: 'ids of activities to remove' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(500)
  @IsString({ each: true })
  removeActivities?: string[];

  @ApiPropertyOptional({ type: [ActivityChangeDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(500)
  @ValidateNested({ each: true })
  @Type(() => ActivityChangeDto)
  changeActivities?: ActivityChangeDto[];
}

export function toActivityInput(dto: PlanActivityDto, field: string): PlanActivityInput {
  return {
    id: dto.id,
    title: dto.title,
    priority: dto.priority,
    budget: dto.budget ? fromJson(dto.budget, `${field}.budget.amount`) : null,
    fundingSource: dto.fundingSource,
  };
}

/** Keeps absent fields absent (unchanged) and `budget: null` as null (budget removed). */
export function toActivityChangeInput(dto: ActivityChangeDto, field: string): ActivityChangeInput {
  return {
    id: dto.id,
    ...(dto.title !== undefined ? { title: dto.title } : {}),
    ...(dto.priority !== undefined ? { priority: dto.priority } : {}),
    ...(dto.budget !== undefined ? { budget: dto.budget === null ? null : fromJson(dto.budget, `${field}.budget.amount`) } : {}),
    ...(dto.fundingSource !== undefined ? { fundingSource: dto.fundingSource } : {}),
  };
}

class PlanActivityViewDto {
  @ApiProperty() id: string;
  @ApiProperty() title: string;
  @ApiProperty() priority: string;
  @ApiProperty({ type: MoneyDto, nullable: true }) budget: MoneyJson | null;
  @ApiProperty({ enum: FUNDING_SOURCES }) fundingSource: FundingSource;
}

class EndorsementDto {
  @ApiProperty() endorsedBy: string;
  @ApiProperty() decisionRef: string;
  @ApiProperty() endorsedOn: string;
}

export class PlanDto {
  @ApiProperty() id: string;
  @ApiProperty() version: number;
  @ApiProperty({ enum: ['draft', 'endorsed'] }) status: string;
  @ApiProperty() programmeId: string;
  @ApiProperty() municipalityId: string;
  @ApiProperty() title: string;
  @ApiProperty({ type: PeriodDto }) period: { from: string; to: string };
  @ApiProperty({ type: [String] }) priorities: string[];
  @ApiProperty({ type: [PlanActivityViewDto] }) activities: PlanActivity[];
  @ApiProperty({ type: EndorsementDto, nullable: true }) endorsement: EndorsementDto | null;
  @ApiProperty({ description: 'amendments recorded so far' }) amendments: number;
  @ApiProperty() draftedAt: string;
}

class PlanShapeDto {
  @ApiProperty() title: string;
  @ApiProperty({ type: PeriodDto }) period: { from: string; to: string };
  @ApiProperty({ type: [String] }) priorities: string[];
  @ApiProperty({ type: [PlanActivityViewDto] }) activities: PlanActivity[];
}

class PlanChangesDto {
  @ApiProperty({ type: [String] }) addPriorities: string[];
  @ApiProperty({ type: [String] }) removePriorities: string[];
  @ApiProperty({ type: [PlanActivityViewDto] }) addActivities: PlanActivity[];
  @ApiProperty({ type: [String] }) removeActivities: string[];
  @ApiProperty({ type: [ActivityChangeDto] }) changeActivities: PlanChanges['changeActivities'];
}

class ActorDto {
  @ApiProperty() id: string;
  @ApiProperty({ type: [String] }) roles: string[];
}

export class PlanVersionDto {
  @ApiProperty() version: number;
  @ApiProperty({ enum: ['PlanDrafted', 'PlanEndorsed', 'PlanAmended'] }) type: string;
  @ApiProperty({ description: '0 for the plan as drafted' }) amendmentNo: number;
  @ApiProperty() recordedAt: string;
  @ApiProperty({ type: ActorDto }) actor: ActorDto;
  @ApiProperty({ nullable: true, type: String }) reason: string | null;
  @ApiProperty({ nullable: true, type: String }) decisionRef: string | null;
  @ApiProperty({ type: PlanChangesDto, nullable: true }) changes: PlanChanges | null;
  @ApiProperty({ type: PlanShapeDto, description: 'the plan as it stood after this version' }) plan: PlanShape;
}
