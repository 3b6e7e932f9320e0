import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDefined, IsIn, IsNotEmpty, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { ExchangeRateDto, MoneyDto } from '../common/money.dto.js';
import { IsBusinessDate, IsEntityId } from '../common/validators.js';

export class DisbursementTargetDto {
  @ApiProperty({ enum: ['grant', 'facility'] })
  @IsIn(['grant', 'facility'])
  kind: 'grant' | 'facility';

  @ApiProperty({ example: 'nookat-road-safety', description: 'the application id of a grant, or the facility id' })
  @IsEntityId()
  id: string;
}

export class RequestDisbursementDto {
  @ApiPropertyOptional({ example: 'nookat-road-safety-t1', description: 'client-chosen id; the server makes one when absent' })
  @IsOptional()
  @IsEntityId()
  id?: string;

  @ApiProperty({ type: DisbursementTargetDto })
  @IsDefined()
  @ValidateNested()
  @Type(() => DisbursementTargetDto)
  target: DisbursementTargetDto;

  @ApiProperty({ type: MoneyDto, description: 'requested + approved + paid (not cancelled) stay within the award (422 disbursement-exceeds-award)' })
  @IsDefined()
  @ValidateNested()
  @Type(() => MoneyDto)
  amount: MoneyDto;

  @ApiPropertyOptional({ type: ExchangeRateDto, description: "required when the amount is not in the programme's reporting currency" })
  @IsOptional()
  @ValidateNested()
  @Type(() => ExchangeRateDto)
  exchangeRate?: ExchangeRateDto;

  @ApiProperty({ example: 'first tranche' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  purpose: string;
}

/** Approving takes no fields; an optional note is kept as the event's reason. */
export class ApproveDisbursementDto {
  @ApiPropertyOptional({ example: 'documents checked' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  reason?: string;
}

export class PayDisbursementDto {
  @ApiProperty({ example: '2017-01-20' })
  @IsBusinessDate()
  paidOn: string;

  @ApiProperty({ example: 'RSK-2017-0042' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(300)
  bankReference: string;
}

export class CancelDisbursementDto {
  @ApiProperty({ example: 'entered twice' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  reason: string;
}

export class DisbursementDto {
  @ApiProperty() id: string;
  @ApiProperty() version: number;
  @ApiProperty({ enum: ['requested', 'approved', 'paid', 'cancelled'] }) status: string;
  @ApiProperty() programmeId: string;
  @ApiProperty({ type: DisbursementTargetDto }) target: DisbursementTargetDto;
  @ApiProperty({ type: MoneyDto }) amount: MoneyDto;
  @ApiProperty({ type: ExchangeRateDto, nullable: true }) exchangeRate: ExchangeRateDto | null;
  @ApiProperty({ type: MoneyDto }) amountReporting: MoneyDto;
  @ApiProperty() purpose: string;
  @ApiProperty() requestedBy: string;
  @ApiProperty() requestedAt: string;
  @ApiProperty({ nullable: true, type: String }) approvedBy: string | null;
  @ApiProperty({ nullable: true, type: String }) approvedAt: string | null;
  @ApiProperty({ nullable: true, type: String }) paidOn: string | null;
  @ApiProperty({ nullable: true, type: String }) bankReference: string | null;
  @ApiProperty({ nullable: true, type: String }) paidBy: string | null;
  @ApiProperty({ nullable: true, type: String }) cancelledBy: string | null;
  @ApiProperty({ nullable: true, type: String }) cancelReason: string | null;
  @ApiProperty({ nullable: true, type: String }) cancelledAt: string | null;
}
