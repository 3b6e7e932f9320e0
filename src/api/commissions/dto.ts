import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsDefined, IsInt, IsNotEmpty, IsOptional, IsString, MaxLength, Max, Min, ValidateNested } from 'class-validator';
import { IsEntityId } from '../common/validators.js';

export class CommissionMemberDto {
  @ApiProperty({ example: 'aida', description: "the member's JWT `sub`: commission rules compare it with the caller" })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  id: string;

  @ApiProperty({ example: 'Aida Sadykova' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name: string;

  @ApiProperty({ example: 'Government Administration' })
  @IsString()
  @MaxLength(300)
  affiliation: string;
}

export class ConstituteCommissionDto {
  @ApiPropertyOptional({ example: 'small-grants-commission', description: 'client-chosen id; the server makes one when absent' })
  @IsOptional()
  @IsEntityId()
  id?: string;

  @ApiProperty({ example: 'inl-crime-prevention-2016' })
  @IsEntityId()
  programmeId: string;

  @ApiProperty({ example: 'Small grants commission' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(300)
  name: string;

  @ApiProperty({ example: 3, minimum: 1, description: 'members (not recused) who must vote for a decision to count' })
  @IsInt()
  @Min(1)
  @Max(1000)
  quorum: number;

  @ApiProperty({ type: [CommissionMemberDto] })
  @IsDefined()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => CommissionMemberDto)
  members: CommissionMemberDto[];
}

export class CommissionDto {
  @ApiProperty() id: string;
  @ApiProperty() version: number;
  @ApiProperty({ example: 'constituted' }) status: string;
  @ApiProperty() programmeId: string;
  @ApiProperty() name: string;
  @ApiProperty() quorum: number;
  @ApiProperty({ type: [CommissionMemberDto] }) members: CommissionMemberDto[];
  @ApiProperty() constitutedAt: string;
}
