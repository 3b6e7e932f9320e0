import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { MUNICIPALITY_KINDS, type MunicipalityKind } from '../../domain/municipality/events.js';
import { IsEntityId } from '../common/validators.js';

export class RegisterMunicipalityDto {
  @ApiPropertyOptional({ example: 'nookat', description: 'client-chosen id; the server makes one when absent' })
  @IsOptional()
  @IsEntityId()
  id?: string;

  @ApiProperty({ example: 'Nookat' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name: string;

  @ApiProperty({ example: 'Osh' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  oblast: string;

  @ApiPropertyOptional({ example: 'Nookat district' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  district?: string;

  @ApiPropertyOptional({ enum: MUNICIPALITY_KINDS })
  @IsOptional()
  @IsIn(MUNICIPALITY_KINDS)
  kind?: MunicipalityKind;

  @ApiPropertyOptional({ example: 64000 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100_000_000)
  population?: number;
}

export class MunicipalityDto {
  @ApiProperty() id: string;
  @ApiProperty() version: number;
  @ApiProperty({ example: 'registered' }) status: string;
  @ApiProperty() name: string;
  @ApiProperty() oblast: string;
  @ApiProperty({ nullable: true, type: String }) district: string | null;
  @ApiProperty({ nullable: true, type: String }) kind: string | null;
  @ApiProperty({ nullable: true, type: Number }) population: number | null;
  @ApiProperty() registeredAt: string;
}
