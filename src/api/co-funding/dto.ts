import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDefined, IsIn, IsNotEmpty, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { CO_FUNDING_SOURCES, CO_FUNDING_TARGET_KINDS } from '../../domain/co-funding/events.js';
import { ExchangeRateDto, MoneyDto } from '../common/money.dto.js';
import { IsBusinessDate, IsEntityId } from '../common/validators.js';

export class CoFundingTargetDto {
  @ApiProperty({ enum: CO_FUNDING_TARGET_KINDS })
  @IsIn(CO_FUNDING_TARGET_KINDS)
  kind: (typeof CO_FUNDING_TARGET_KINDS)[number];

  @ApiProperty({ example: 'nookat-road-safety', description: 'the application id of a grant, a facility id or a plan id' })
  @IsEntityId()
  id: string;
}

export class RecordCoFundingDto {
  @ApiPropertyOptional({ example: 'nookat-cf-1', description: 'client-chosen id; the server makes one when absent' })
  @IsOptional()
  @IsEntityId()
  id?: string;

  @ApiProperty({ type: CoFundingTargetDto })
  @IsDefined()
  @ValidateNested()
  @Type(() => CoFundingTargetDto)
  target: CoFundingTargetDto;

  @ApiProperty({ type: MoneyDto })
  @IsDefined()
  @ValidateNested()
  @Type(() => MoneyDto)
  amount: MoneyDto;

  @ApiPropertyOptional({ type: ExchangeRateDto, description: "required when the amount is not in the programme's reporting currency" })
  @IsOptional()
  @ValidateNested()
  @Type(() => ExchangeRateDto)
  exchangeRate?: ExchangeRateDto;

  @ApiProperty({ enum: CO_FUNDING_SOURCES })
  @IsIn(CO_FUNDING_SOURCES)
  source: (typeof CO_FUNDING_SOURCES)[number];

  @ApiProperty({ example: 'Nookat payment order 17/2017', description: 'counts once in the whole ledger, ignoring case and spacing (422 evidence-already-counted)' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(1000)
  evidenceRef: string;

  @ApiProperty({ example: '2017-05-10' })
  @IsBusinessDate()
  receivedOn: string;
}

export class CoFundingDto {
  @ApiProperty() id: string;
  @ApiProperty() version: number;
  @ApiProperty({ example: 'received' }) status: string;
  @ApiProperty() programmeId: string;
  @ApiProperty({ type: CoFundingTargetDto }) target: CoFundingTargetDto;
  @ApiProperty({ type: MoneyDto }) amount: MoneyDto;
  @ApiProperty({ type: ExchangeRateDto, nullable: true }) exchangeRate: ExchangeRateDto | null;
  @ApiProperty({ type: MoneyDto }) amountReporting: MoneyDto;
  @ApiProperty({ enum: CO_FUNDING_SOURCES }) source: string;
  @ApiProperty() evidenceRef: string;
  @ApiProperty() receivedOn: string;
  @ApiProperty() recordedAt: string;
}
