import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDefined, IsIn, IsNotEmpty, IsOptional, IsString, Matches, MaxLength, ValidateNested } from 'class-validator';
import { FACILITY_KINDS, type FacilityKind } from '../../domain/facility/events.js';
import type { ExchangeRate, MoneyJson } from '../../domain/shared/money.js';
import { ExchangeRateDto, MoneyDto } from '../common/money.dto.js';
import { IsBusinessDate, IsEntityId } from '../common/validators.js';

export class AgreeFacilityDto {
  @ApiPropertyOptional({ example: 'nookat-police-station', description: 'client-chosen id; the server makes one when absent' })
  @IsOptional()
  @IsEntityId()
  id?: string;

  @ApiProperty()
  @IsEntityId()
  programmeId: string;

  @ApiProperty({ example: 'nookat', description: 'must have an endorsed plan of the programme (422 plan-not-endorsed)' })
  @IsEntityId()
  municipalityId: string;

  @ApiProperty({ enum: FACILITY_KINDS })
  @IsIn(FACILITY_KINDS)
  kind: FacilityKind;

  @ApiProperty({ example: 'Refurbishment of the Nookat police station and LCPC office' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(300)
  title: string;

  @ApiProperty({ type: MoneyDto })
  @IsDefined()
  @ValidateNested()
  @Type(() => MoneyDto)
  totalCost: MoneyDto;

  @ApiPropertyOptional({ example: '0.5', default: '0.5', description: "the local authority's share of the cost, a decimal string from 0 to 1" })
  @IsOptional()
  @IsString()
  @Matches(/^(0(\.[0-9]{1,12})?|1(\.0{1,12})?)$/, { message: 'localShareRatio must be a decimal string from "0" to "1"' })
  localShareRatio?: string;

  @ApiPropertyOptional({ type: ExchangeRateDto, description: 'required when totalCost is not in the reporting currency' })
  @IsOptional()
  @ValidateNested()
  @Type(() => ExchangeRateDto)
  exchangeRate?: ExchangeRateDto;
}

export class CompleteFacilityDto {
  @ApiProperty({ example: '2017-06-30' })
  @IsBusinessDate()
  completedOn: string;
}

export class FacilityDto {
  @ApiProperty() id: string;
  @ApiProperty() version: number;
  @ApiProperty({ enum: ['agreed', 'established'] }) status: string;
  @ApiProperty() programmeId: string;
  @ApiProperty() municipalityId: string;
  @ApiProperty({ description: 'the endorsed plan that made the municipality eligible' }) planId: string;
  @ApiProperty({ enum: FACILITY_KINDS }) kind: string;
  @ApiProperty() title: string;
  @ApiProperty({ type: MoneyDto, description: 'as agreed' }) totalCost: MoneyJson;
  @ApiProperty({ type: ExchangeRateDto, nullable: true }) exchangeRate: ExchangeRate | null;
  @ApiProperty({ type: MoneyDto }) totalCostReporting: MoneyJson;
  @ApiProperty({ example: '0.5' }) localShareRatio: string;
  @ApiProperty({ type: MoneyDto, description: 'totalCostReporting × (1 − localShareRatio), reserved from the budget' }) programmeShare: MoneyJson;
  @ApiProperty({ type: MoneyDto }) localShare: MoneyJson;
  @ApiProperty({ nullable: true, type: String }) completedOn: string | null;
  @ApiProperty() agreedAt: string;
}
