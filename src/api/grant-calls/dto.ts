import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDefined, IsEmail, IsIn, IsNotEmpty, IsOptional, IsString, Matches, MaxLength, ValidateNested } from 'class-validator';
import { APPLICANT_TYPES } from '../../domain/application/events.js';
import { ExchangeRateDto, MoneyDto } from '../common/money.dto.js';
import { IsBusinessDate, IsEntityId } from '../common/validators.js';

export class OpenGrantCallDto {
  @ApiPropertyOptional({ example: 'small-grants-2016', description: 'client-chosen id; the server makes one when absent' })
  @IsOptional()
  @IsEntityId()
  id?: string;

  @ApiProperty({ example: 'inl-crime-prevention-2016' })
  @IsEntityId()
  programmeId: string;

  @ApiProperty({ example: 'small-grants-commission' })
  @IsEntityId()
  commissionId: string;

  @ApiProperty({ example: 'Small grants for community crime prevention 2016' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(300)
  title: string;

  @ApiProperty({ type: MoneyDto, description: "reserved on the programme's budget when the call opens (422 budget-exceeded)" })
  @IsDefined()
  @ValidateNested()
  @Type(() => MoneyDto)
  envelope: MoneyDto;

  @ApiPropertyOptional({ type: ExchangeRateDto, description: "required when the envelope is not in the programme's reporting currency" })
  @IsOptional()
  @ValidateNested()
  @Type(() => ExchangeRateDto)
  exchangeRate?: ExchangeRateDto;

  @ApiProperty({ example: '0.5', description: 'pledged co-funding ≥ ratio × grant (decimal string)' })
  @IsString()
  @Matches(/^(0|[1-9][0-9]{0,5})(\.[0-9]{1,6})?$/, { message: 'minCoFundingRatio must be a non-negative decimal string such as "0.5"' })
  minCoFundingRatio: string;

  @ApiProperty({ example: '2016-12-31', description: 'the last day applications are accepted' })
  @IsBusinessDate()
  closesOn: string;
}

export class CloseGrantCallDto {
  @ApiPropertyOptional({ example: '2017-01-15' })
  @IsOptional()
  @IsBusinessDate()
  closedOn?: string;

  @ApiPropertyOptional({ example: 'all applications decided' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  reason?: string;
}

export class ApplicantDto {
  @ApiProperty({ example: 'Nookat youth LCPC' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(300)
  name: string;

  @ApiProperty({ enum: APPLICANT_TYPES })
  @IsIn(APPLICANT_TYPES)
  type: (typeof APPLICANT_TYPES)[number];
}

/** Personal data: stored encrypted under subject `contact-<applicationId>`; erasable (POST /admin/subjects/:id/erase). */
export class ContactPersonDto {
  @ApiProperty({ example: 'Gulnara Toktogulova' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name: string;

  @ApiPropertyOptional({ example: 'gulnara@example.org' })
  @IsOptional()
  @IsEmail()
  @MaxLength(254)
  email?: string;

  @ApiPropertyOptional({ example: '+996 555 123 456' })
  @IsOptional()
  @IsString()
  @Matches(/^[+0-9 ()./-]{3,40}$/, { message: 'phone must be 3 to 40 digits, spaces or + ( ) . / -' })
  phone?: string;
}

export class SubmitApplicationDto {
  @ApiPropertyOptional({ example: 'nookat-road-safety', description: 'client-chosen id; the server makes one when absent' })
  @IsOptional()
  @IsEntityId()
  id?: string;

  @ApiProperty({ type: ApplicantDto })
  @IsDefined()
  @ValidateNested()
  @Type(() => ApplicantDto)
  applicant: ApplicantDto;

  @ApiPropertyOptional({ type: ContactPersonDto, description: "the applicant's contact person (personal data: encrypted, erasable; shows \"[erased]\" once erased)" })
  @IsOptional()
  @ValidateNested()
  @Type(() => ContactPersonDto)
  contactPerson?: ContactPersonDto;

  @ApiProperty({ example: 'nookat' })
  @IsEntityId()
  municipalityId: string;

  @ApiProperty({ example: 'nookat-plan-2016', description: 'an endorsed plan of the programme in the municipality (422 plan-not-endorsed)' })
  @IsEntityId()
  planId: string;

  @ApiPropertyOptional({ example: 'road-safety-1', description: "one of the plan's activities" })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  activityId?: string;

  @ApiProperty({ example: 'Safe roads to school' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(300)
  title: string;

  @ApiProperty({ example: 'road safety' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  priority: string;

  @ApiProperty({ type: MoneyDto })
  @IsDefined()
  @ValidateNested()
  @Type(() => MoneyDto)
  requested: MoneyDto;

  @ApiProperty({ type: MoneyDto, description: "at least the call's minCoFundingRatio × requested (422 co-funding-below-ratio)" })
  @IsDefined()
  @ValidateNested()
  @Type(() => MoneyDto)
  coFundingPledged: MoneyDto;

  @ApiPropertyOptional({ type: ExchangeRateDto, description: "required when an amount is not in the programme's reporting currency" })
  @IsOptional()
  @ValidateNested()
  @Type(() => ExchangeRateDto)
  exchangeRate?: ExchangeRateDto;

  @ApiPropertyOptional({ example: '2016-09-15', description: 'the business date the application was submitted, when recorded later (default: today; not in the future; after closesOn: 422 call-closed)' })
  @IsOptional()
  @IsBusinessDate()
  submittedOn?: string;
}

export class GrantCallDto {
  @ApiProperty() id: string;
  @ApiProperty() version: number;
  @ApiProperty({ enum: ['open', 'closed'] }) status: string;
  @ApiProperty() programmeId: string;
  @ApiProperty() commissionId: string;
  @ApiProperty() title: string;
  @ApiProperty({ type: MoneyDto, description: 'as the call was opened' }) envelope: MoneyDto;
  @ApiProperty({ type: ExchangeRateDto, nullable: true }) exchangeRate: ExchangeRateDto | null;
  @ApiProperty({ type: MoneyDto, description: 'the envelope in the reporting currency' }) envelopeReporting: MoneyDto;
  @ApiProperty({ example: '0.5' }) minCoFundingRatio: string;
  @ApiProperty() closesOn: string;
  @ApiProperty({ type: MoneyDto, description: 'approved grants not revoked (reporting currency)' }) approvedTotal: MoneyDto;
  @ApiProperty({ type: MoneyDto, description: 'what approvals may still draw: envelope − approvedTotal' }) remaining: MoneyDto;
  @ApiProperty({ type: MoneyDto, nullable: true, description: "the unspent envelope given back to the programme's budget when the call closed" }) released: MoneyDto | null;
  @ApiProperty() applications: number;
  @ApiProperty() openedAt: string;
  @ApiProperty({ nullable: true, type: String }) closedOn: string | null;
  @ApiProperty({ nullable: true, type: String }) closedAt: string | null;
}
