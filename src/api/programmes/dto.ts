import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDefined, IsIn, IsNotEmpty, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { MINOR_DIGITS, type ExchangeRate, type MoneyJson } from '../../domain/shared/money.js';
import { ExchangeRateDto, MoneyDto } from '../common/money.dto.js';
import { IsBusinessDate, IsEntityId } from '../common/validators.js';

export class DonorDto {
  @ApiProperty({ example: 'inl' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  id: string;

  @ApiProperty({ example: "US State Department, Bureau for International Narcotics and Law Enforcement Affairs (INL)" })
  @IsString()
  @IsNotEmpty()
  @MaxLength(300)
  name: string;
}

export class RegisterProgrammeDto {
  @ApiPropertyOptional({ example: 'inl-crime-prevention-2016', description: 'client-chosen id; the server makes one when absent' })
  @IsOptional()
  @IsEntityId()
  id?: string;

  @ApiProperty({ example: 'Support to Crime Prevention in the Kyrgyz Republic' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(300)
  title: string;

  @ApiProperty({ type: DonorDto })
  @IsDefined()
  @ValidateNested()
  @Type(() => DonorDto)
  donor: DonorDto;

  @ApiProperty({ type: MoneyDto })
  @IsDefined()
  @ValidateNested()
  @Type(() => MoneyDto)
  budget: MoneyDto;

  @ApiProperty({ example: '2016-01-01' })
  @IsBusinessDate()
  startDate: string;

  @ApiProperty({ example: '2018-01-31', description: 'on or after startDate' })
  @IsBusinessDate()
  endDate: string;

  @ApiPropertyOptional({ example: 'USD', enum: Object.keys(MINOR_DIGITS), description: "default: the budget's currency" })
  @IsOptional()
  @IsIn(Object.keys(MINOR_DIGITS))
  reportingCurrency?: string;

  @ApiPropertyOptional({ example: 'UNODC' })
  @IsOptional()
  @IsString()
  @MaxLength(300)
  implementer?: string;

  @ApiPropertyOptional({ type: ExchangeRateDto, description: 'required when the budget is not in the reporting currency' })
  @IsOptional()
  @ValidateNested()
  @Type(() => ExchangeRateDto)
  exchangeRate?: ExchangeRateDto;
}

export class RecordFundsReceivedDto {
  @ApiProperty({ type: MoneyDto })
  @IsDefined()
  @ValidateNested()
  @Type(() => MoneyDto)
  amount: MoneyDto;

  @ApiProperty({ example: '2016-02-15' })
  @IsBusinessDate()
  receivedOn: string;

  @ApiProperty({ example: 'INL tranche 1, SWIFT 0216-4471' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(300)
  reference: string;

  @ApiPropertyOptional({ type: ExchangeRateDto, description: 'required when the amount is not in the reporting currency' })
  @IsOptional()
  @ValidateNested()
  @Type(() => ExchangeRateDto)
  exchangeRate?: ExchangeRateDto;
}

/** A plain rate for the domain (the DTO is a class instance). */
export function rateOf(dto: ExchangeRateDto | undefined | null): ExchangeRate | null {
  return dto ? { rate: dto.rate, date: dto.date, source: dto.source } : null;
}

export class EndorsedPlanLinkDto {
  @ApiProperty() planId: string;
  @ApiProperty() municipalityId: string;
  @ApiProperty() endorsedOn: string;
}

export class ProgrammeDto {
  @ApiProperty() id: string;
  @ApiProperty({ description: "the programme stream's version: funds received, budget reservations and endorsed plans move it too" }) version: number;
  @ApiProperty({ example: 'registered' }) status: string;
  @ApiProperty() title: string;
  @ApiProperty({ type: DonorDto }) donor: { id: string; name: string };
  @ApiProperty({ type: MoneyDto, description: 'as agreed' }) budget: MoneyJson;
  @ApiProperty({ type: ExchangeRateDto, nullable: true }) exchangeRate: ExchangeRate | null;
  @ApiProperty() reportingCurrency: string;
  @ApiProperty({ type: MoneyDto, description: 'the budget in the reporting currency' }) budgetReporting: MoneyJson;
  @ApiProperty() startDate: string;
  @ApiProperty() endDate: string;
  @ApiProperty({ nullable: true, type: String }) implementer: string | null;
  @ApiProperty({ type: MoneyDto, description: 'funds received from the donor (reporting currency)' }) received: MoneyJson;
  @ApiProperty({ type: MoneyDto, description: 'held by facility shares, grant envelopes and grants (reporting currency)' }) reserved: MoneyJson;
  @ApiProperty({ type: MoneyDto, description: 'budget − reserved' }) available: MoneyJson;
  @ApiProperty({ type: [EndorsedPlanLinkDto] }) endorsedPlans: EndorsedPlanLinkDto[];
  @ApiProperty() registeredAt: string;
}
