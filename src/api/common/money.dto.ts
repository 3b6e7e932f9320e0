import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsString, Matches, MaxLength } from 'class-validator';
import { IsBusinessDate } from './validators.js';
import { MINOR_DIGITS } from '../../domain/shared/money.js';

const CURRENCIES = Object.keys(MINOR_DIGITS);

/** `{"amount": "34000.00", "currency": "USD"}`: a decimal string, never a JSON number. */
export class MoneyDto {
  @ApiProperty({ example: '34000.00', description: 'decimal string, at most the currency\'s minor digits, not negative' })
  @IsString()
  @Matches(/^(0|[1-9][0-9]{0,17})(\.[0-9]{1,4})?$/, { message: 'amount must be a non-negative decimal string such as "34000.00"' })
  amount: string;

  @ApiProperty({ example: 'USD', enum: CURRENCIES })
  @IsIn(CURRENCIES, { message: `currency must be one of ${CURRENCIES.join(', ')}` })
  currency: string;
}

export class ExchangeRateDto {
  @ApiProperty({ example: '0.0114', description: 'reporting-currency units per one unit, decimal string' })
  @IsString()
  @Matches(/^(0|[1-9][0-9]{0,11})(\.[0-9]{1,12})?$/, { message: 'rate must be a positive decimal string such as "0.0114"' })
  rate: string;

  @ApiProperty({ example: '2017-05-10' })
  @IsBusinessDate()
  date: string;

  @ApiProperty({ example: 'NBKR' })
  @IsString()
  @MaxLength(200)
  source: string;
}

export const ApiMoney = () => ApiProperty({ type: MoneyDto });
export const ApiOptionalRate = () => ApiPropertyOptional({ type: ExchangeRateDto });
