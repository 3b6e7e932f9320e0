import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { RESULT_KINDS, type ResultKind } from '../../domain/result/events.js';
import { MAX_COUNT } from '../../domain/shared/text.js';
import { IsBusinessDate, IsEntityId } from '../common/validators.js';

/** Counts of people: whole numbers from 0. */
const Count = (example: number) =>
  applyDecorators(ApiPropertyOptional({ example, minimum: 0, maximum: MAX_COUNT, type: 'integer' }), IsOptional(), IsInt(), Min(0), Max(MAX_COUNT));

export class RecordResultDto {
  @ApiPropertyOptional({ example: 'tot-akims-2016', description: 'client-chosen id; the server makes one when absent' })
  @IsOptional()
  @IsEntityId()
  id?: string;

  @ApiProperty()
  @IsEntityId()
  programmeId: string;

  @ApiProperty({ enum: RESULT_KINDS })
  @IsIn(RESULT_KINDS)
  kind: ResultKind;

  @ApiProperty({ example: '2016-05-20' })
  @IsBusinessDate()
  date: string;

  @ApiProperty({ example: 'Training of trainers for akims and district police heads' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(300)
  title: string;

  @ApiPropertyOptional({ example: 'nookat' })
  @IsOptional()
  @IsEntityId()
  municipalityId?: string;

  @ApiPropertyOptional({ description: 'the approved application (grant) the result came from' })
  @IsOptional()
  @IsEntityId()
  grantId?: string;

  @ApiPropertyOptional({ example: 'road safety' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  priority?: string;

  @Count(34)
  participants?: number;

  @Count(350)
  directBeneficiaries?: number;

  @Count(600000)
  indirectBeneficiaries?: number;
}

export class RetractResultDto {
  @ApiProperty({ example: 'the training was recorded twice' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  reason: string;
}

export class ResultDto {
  @ApiProperty() id: string;
  @ApiProperty() version: number;
  @ApiProperty({ enum: ['recorded', 'retracted'] }) status: string;
  @ApiProperty() programmeId: string;
  @ApiProperty({ enum: RESULT_KINDS }) kind: string;
  @ApiProperty() date: string;
  @ApiProperty() title: string;
  @ApiProperty({ nullable: true, type: String }) municipalityId: string | null;
  @ApiProperty({ nullable: true, type: String }) grantId: string | null;
  @ApiProperty({ nullable: true, type: String }) priority: string | null;
  @ApiProperty({ nullable: true, type: 'integer' }) participants: number | null;
  @ApiProperty({ nullable: true, type: 'integer' }) directBeneficiaries: number | null;
  @ApiProperty({ nullable: true, type: 'integer' }) indirectBeneficiaries: number | null;
  @ApiProperty({ nullable: true, type: String }) retractionReason: string | null;
  @ApiProperty() recordedAt: string;
}
