import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsDefined, IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { VOTE_VALUES } from '../../domain/application/events.js';
import { ExchangeRateDto, MoneyDto } from '../common/money.dto.js';
import { ApplicantDto, ContactPersonDto } from '../grant-calls/dto.js';

export class DeclareConflictDto {
  @ApiProperty({ example: 'my cousin chairs the applicant', description: 'the caller declares their own conflict of interest' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  reason: string;
}

export class ScoreApplicationDto {
  @ApiProperty({ example: 87, minimum: 0, maximum: 100 })
  @IsInt()
  @Min(0)
  @Max(100)
  score: number;

  @ApiPropertyOptional({ example: 'clear plan, local budget committed' })
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  comment?: string;
}

export class VoteDto {
  @ApiProperty({ example: 'aida' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  memberId: string;

  @ApiProperty({ enum: VOTE_VALUES })
  @IsIn(VOTE_VALUES)
  vote: (typeof VOTE_VALUES)[number];
}

export class RecordDecisionDto {
  @ApiProperty({ enum: ['approved', 'rejected'] })
  @IsIn(['approved', 'rejected'])
  outcome: 'approved' | 'rejected';

  @ApiPropertyOptional({ type: MoneyDto, description: 'required when approved; in the currency of the request, at most the amount requested' })
  @IsOptional()
  @ValidateNested()
  @Type(() => MoneyDto)
  approvedAmount?: MoneyDto;

  @ApiPropertyOptional({ type: ExchangeRateDto, description: "for a grant not in the reporting currency; default: the submission's rate" })
  @IsOptional()
  @ValidateNested()
  @Type(() => ExchangeRateDto)
  exchangeRate?: ExchangeRateDto;

  @ApiProperty({ type: [VoteDto], description: 'the votes of the meeting; recused members may not vote, abstentions count for the quorum only' })
  @IsDefined()
  @IsArray()
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => VoteDto)
  votes: VoteDto[];

  @ApiProperty({ example: 'GC-2016/11' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(300)
  minutesRef: string;

  @ApiPropertyOptional({ example: 'budget trimmed to the activities of the plan' })
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  reason?: string;
}

export class RevokeGrantDto {
  @ApiProperty({ example: 'the applicant dissolved' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(5000)
  reason: string;

  @ApiProperty({ example: 'GC-2017/02' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(300)
  minutesRef: string;
}

export class RecusalDto {
  @ApiProperty() memberId: string;
  @ApiProperty() reason: string;
  @ApiProperty() declaredAt: string;
}

export class ScoreDto {
  @ApiProperty() memberId: string;
  @ApiProperty() score: number;
  @ApiProperty({ nullable: true, type: String }) comment: string | null;
  @ApiProperty() scoredAt: string;
}

export class TallyDto {
  @ApiProperty() for: number;
  @ApiProperty() against: number;
  @ApiProperty() abstain: number;
}

export class DecisionDto {
  @ApiProperty({ enum: ['approved', 'rejected'] }) outcome: string;
  @ApiProperty({ type: MoneyDto, nullable: true }) approvedAmount: MoneyDto | null;
  @ApiProperty({ type: MoneyDto, nullable: true }) approvedReporting: MoneyDto | null;
  @ApiProperty({ type: [VoteDto] }) votes: VoteDto[];
  @ApiProperty({ type: TallyDto }) tally: TallyDto;
  @ApiProperty() minutesRef: string;
  @ApiProperty({ nullable: true, type: String }) reason: string | null;
  @ApiProperty() decidedBy: string;
  @ApiProperty() decidedAt: string;
}

export class RevocationDto {
  @ApiProperty() reason: string;
  @ApiProperty() minutesRef: string;
  @ApiProperty() revokedBy: string;
  @ApiProperty() revokedAt: string;
}

export class ApplicationDto {
  @ApiProperty() id: string;
  @ApiProperty() version: number;
  @ApiProperty({ enum: ['submitted', 'approved', 'rejected', 'revoked'] }) status: string;
  @ApiProperty() grantCallId: string;
  @ApiProperty() programmeId: string;
  @ApiProperty() commissionId: string;
  @ApiProperty({ type: ApplicantDto }) applicant: ApplicantDto;
  @ApiProperty() municipalityId: string;
  @ApiProperty() planId: string;
  @ApiProperty({ nullable: true, type: String }) activityId: string | null;
  @ApiProperty() title: string;
  @ApiProperty() priority: string;
  @ApiProperty({ type: MoneyDto, description: 'as requested' }) requested: MoneyDto;
  @ApiProperty({ type: MoneyDto, description: 'co-funding pledged, as given' }) pledged: MoneyDto;
  @ApiProperty({ type: ExchangeRateDto, nullable: true }) exchangeRate: ExchangeRateDto | null;
  @ApiProperty({ type: MoneyDto }) requestedReporting: MoneyDto;
  @ApiProperty({ type: MoneyDto }) pledgedReporting: MoneyDto;
  @ApiProperty({ type: MoneyDto, nullable: true, description: 'the approved amount, in the currency of the request' }) approved: MoneyDto | null;
  @ApiProperty({ type: MoneyDto, nullable: true }) approvedReporting: MoneyDto | null;
  @ApiProperty({ type: MoneyDto, description: 'co-funding received on this grant (reporting currency)' }) received: MoneyDto;
  @ApiProperty({ type: MoneyDto, description: 'disbursements paid on this grant (reporting currency)' }) disbursed: MoneyDto;
  @ApiProperty({ type: [RecusalDto] }) recusedMembers: RecusalDto[];
  @ApiProperty({ type: [ScoreDto] }) scores: ScoreDto[];
  @ApiProperty({ type: DecisionDto, nullable: true }) decision: DecisionDto | null;
  @ApiProperty({ type: RevocationDto, nullable: true }) revocation: RevocationDto | null;
  @ApiProperty() submittedOn: string;
  @ApiProperty() submittedAt: string;
  @ApiProperty({ type: ContactPersonDto, nullable: true, description: 'personal data: each field reads "[erased]" once the contact person\'s data was erased' })
  contactPerson: ContactPersonDto | null;
}

export class ApplicationListDto {
  @ApiProperty({ type: [ApplicationDto] }) items: ApplicationDto[];
  @ApiProperty() total: number;
}
